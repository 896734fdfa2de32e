-- The commission ledger is append-only: entries are never deleted and their amounts never
-- change. The one permitted update moves an `open` entry to `paid`, `reversed` or `split`, so
-- no entry can be paid twice or come back from being reversed.
CREATE FUNCTION affiliate_commissions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'affiliate_commissions is append-only';
  END IF;
  IF OLD.status <> 'open' OR NEW.status NOT IN ('paid', 'reversed', 'split')
     OR (NEW.id, NEW.affiliate_id, NEW.referral_id, NEW.order_id, NEW.kind, NEW.amount_minor,
         NEW.currency, NEW.base_minor, NEW.rate_bps, NEW.tier, NEW.available_at, NEW.parent_id,
         NEW.created_at, NEW.details)
        IS DISTINCT FROM
        (OLD.id, OLD.affiliate_id, OLD.referral_id, OLD.order_id, OLD.kind, OLD.amount_minor,
         OLD.currency, OLD.base_minor, OLD.rate_bps, OLD.tier, OLD.available_at, OLD.parent_id,
         OLD.created_at, OLD.details) THEN
    RAISE EXCEPTION 'affiliate_commissions is append-only: only an open entry may become paid, reversed or split';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER affiliate_commissions_append_only BEFORE UPDATE OR DELETE ON affiliate_commissions
  FOR EACH ROW EXECUTE FUNCTION affiliate_commissions_guard();
