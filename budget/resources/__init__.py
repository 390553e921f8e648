"""django-import-export resources of the budget app, registered by kind in loti.imports."""
