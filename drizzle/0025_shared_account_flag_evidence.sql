-- shared_account flags raised before flags carried their evidence get the key the check now
-- writes (login@server, the server lower-cased), so an account already flagged is not flagged twice.
UPDATE "affiliate_flags"
   SET "evidence" = ("details"->>'login') || '@' || lower("details"->>'server')
 WHERE "reason" = 'shared_account' AND "evidence" IS NULL;
