"""The database's own refusal of writes to a closed financial year (the services refuse first, in words).

Each guarded table gets a row trigger. It takes a share lock on the year's row, so a write and close_year
(which locks the year's row for update) queue behind each other: a year is never closed while a write to it
is in flight. Updates that change no money are let through (an invoice's reminder date, a line's commentary).
"""

from django.db import migrations

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION budget_refuse_if_year_closed(year bigint, what text) RETURNS void AS $$
DECLARE
    year_label text;
BEGIN
    IF year IS NULL THEN
        RETURN;
    END IF;
    SELECT label INTO year_label FROM loti_financialyear WHERE id = year FOR SHARE;
    IF EXISTS (SELECT 1 FROM budget_yearclosing WHERE year_id = year AND closed) THEN
        RAISE EXCEPTION 'year_closed: % is closed; % cannot change. Reopen the year first.', year_label, what
            USING ERRCODE = 'check_violation';
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION budget_closed_year_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM budget_refuse_if_year_closed(OLD.year_id, TG_TABLE_NAME);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM budget_refuse_if_year_closed(NEW.year_id, TG_TABLE_NAME);
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

-- An invoice's reminder date is not money: an update leaving its money and identity alone passes.
CREATE OR REPLACE FUNCTION budget_closed_year_invoice_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF (NEW.year_id, NEW.kind, NEW.number, NEW.organisation_id, NEW.credits_id, NEW.net, NEW.vat, NEW.gross, NEW.issued_on, NEW.due_on)
           IS NOT DISTINCT FROM
           (OLD.year_id, OLD.kind, OLD.number, OLD.organisation_id, OLD.credits_id, OLD.net, OLD.vat, OLD.gross, OLD.issued_on, OLD.due_on) THEN
            RETURN NEW;
        END IF;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM budget_refuse_if_year_closed(OLD.year_id, TG_TABLE_NAME);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM budget_refuse_if_year_closed(NEW.year_id, TG_TABLE_NAME);
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

-- A line's commentary and position are not money: commentary may be written after the year is closed.
CREATE OR REPLACE FUNCTION budget_closed_year_line_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF (NEW.year_id, NEW.section, NEW.name, NEW.amount, NEW.status, NEW.actuals_from, NEW.funding_agreement_id, NEW.pillar_id)
           IS NOT DISTINCT FROM
           (OLD.year_id, OLD.section, OLD.name, OLD.amount, OLD.status, OLD.actuals_from, OLD.funding_agreement_id, OLD.pillar_id) THEN
            RETURN NEW;
        END IF;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM budget_refuse_if_year_closed(OLD.year_id, TG_TABLE_NAME);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM budget_refuse_if_year_closed(NEW.year_id, TG_TABLE_NAME);
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION budget_closed_year_payment_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM budget_refuse_if_year_closed((SELECT year_id FROM budget_invoice WHERE id = OLD.invoice_id), 'budget_payment');
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM budget_refuse_if_year_closed((SELECT year_id FROM budget_invoice WHERE id = NEW.invoice_id), 'budget_payment');
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
"""

GUARDS = {
    "budget_ledgerentry": "budget_closed_year_guard",
    "budget_instalment": "budget_closed_year_guard",
    "budget_budgetline": "budget_closed_year_line_guard",
    "budget_invoice": "budget_closed_year_invoice_guard",
    "budget_payment": "budget_closed_year_payment_guard",
}

TRIGGERS = "".join(
    f"CREATE TRIGGER closed_year_guard BEFORE INSERT OR UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {function}();\n"
    for table, function in GUARDS.items()
)

DROP = (
    "".join(f"DROP TRIGGER IF EXISTS closed_year_guard ON {table};\n" for table in GUARDS)
    + "".join(f"DROP FUNCTION IF EXISTS {function}();\n" for function in sorted(set(GUARDS.values())))
    + "DROP FUNCTION IF EXISTS budget_refuse_if_year_closed(bigint, text);\n"
)


class Migration(migrations.Migration):
    dependencies = [("budget", "0005_ledger_commentary_year_closing")]

    operations = [migrations.RunSQL(FUNCTIONS + TRIGGERS, DROP)]
