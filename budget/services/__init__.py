"""Services of the money side, one module per business area. They write; selectors read."""
