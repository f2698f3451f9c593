-- Stores one deduplicated notification for many recipients in a single round trip (e.g. "friend
-- came online" for every offline friend of a player who logs in). Same rule and the same advisory
-- locks as the one-recipient path (NotificationsRepo.upsertDeduped): an unread notification with
-- the key is moved to p_at, otherwise one is inserted. Each statement of a plpgsql function takes
-- a fresh snapshot, so the merge below sees whatever committed before the locks were granted.
CREATE FUNCTION lobby_upsert_notifications(p_recipients uuid[], p_actor uuid, p_type varchar, p_key varchar, p_at timestamptz)
RETURNS TABLE (id uuid, recipient_id uuid, type varchar, created_at timestamptz, read_at timestamptz)
LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_advisory_xact_lock(l.h)
  FROM (SELECT DISTINCT hashtextextended('notification:' || r::text || ':' || p_key, 0) AS h FROM unnest(p_recipients) AS r ORDER BY 1) AS l;
  RETURN QUERY
  WITH targets AS (
    SELECT DISTINCT r AS rid FROM unnest(p_recipients) AS r JOIN accounts a ON a.id = r
  ), moved AS (
    UPDATE notifications n SET created_at = p_at
    FROM targets t
    WHERE n.recipient_id = t.rid AND n.dedupe_key = p_key AND n.read_at IS NULL
    RETURNING n.id, n.recipient_id, n.type, n.created_at, n.read_at
  ), added AS (
    INSERT INTO notifications (id, recipient_id, actor_id, type, dedupe_key, created_at)
    SELECT gen_random_uuid(), t.rid, p_actor, p_type, p_key, p_at
    FROM targets t
    WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE n.recipient_id = t.rid AND n.dedupe_key = p_key AND n.read_at IS NULL)
    RETURNING notifications.id, notifications.recipient_id, notifications.type, notifications.created_at, notifications.read_at
  )
  SELECT * FROM moved UNION ALL SELECT * FROM added;
END
$fn$;
