"""What the database itself guarantees about the ledger, whatever the application does.

- The postings of a transaction sum to zero: a constraint trigger deferred to commit, so the
  postings of one transaction may be inserted in any order within it.
- Transactions, postings and allocations are append-only: a mistake is corrected by a new,
  reversing transaction, never by editing history.
(Non-negative balances and lots within [0, amount] are CHECK constraints in 0001.)
"""

from django.db import migrations

BALANCED = """
CREATE FUNCTION loyalty_posting_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    total bigint;
BEGIN
    SELECT COALESCE(SUM(amount), 0) INTO total
    FROM loyalty_posting WHERE transaction_id = NEW.transaction_id;
    IF total <> 0 THEN
        RAISE EXCEPTION 'loyalty: the postings of transaction % sum to %, not 0',
            NEW.transaction_id, total
            USING ERRCODE = 'integrity_constraint_violation',
                  CONSTRAINT = 'loyalty_posting_balanced';
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER loyalty_posting_balanced
    AFTER INSERT ON loyalty_posting
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION loyalty_posting_balanced();
"""

APPEND_ONLY = """
CREATE FUNCTION loyalty_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'loyalty: % is append-only, % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation',
              CONSTRAINT = 'loyalty_append_only';
END
$$;
CREATE TRIGGER loyalty_posting_append_only BEFORE UPDATE OR DELETE ON loyalty_posting
    FOR EACH ROW EXECUTE FUNCTION loyalty_append_only();
CREATE TRIGGER loyalty_transaction_append_only BEFORE UPDATE OR DELETE ON loyalty_transaction
    FOR EACH ROW EXECUTE FUNCTION loyalty_append_only();
CREATE TRIGGER loyalty_allocation_append_only BEFORE UPDATE OR DELETE ON loyalty_allocation
    FOR EACH ROW EXECUTE FUNCTION loyalty_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS loyalty_posting_balanced ON loyalty_posting;
DROP TRIGGER IF EXISTS loyalty_posting_append_only ON loyalty_posting;
DROP TRIGGER IF EXISTS loyalty_transaction_append_only ON loyalty_transaction;
DROP TRIGGER IF EXISTS loyalty_allocation_append_only ON loyalty_allocation;
DROP FUNCTION IF EXISTS loyalty_posting_balanced();
DROP FUNCTION IF EXISTS loyalty_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0001_initial")]

    operations = [migrations.RunSQL(BALANCED + APPEND_ONLY, reverse_sql=DROP)]
