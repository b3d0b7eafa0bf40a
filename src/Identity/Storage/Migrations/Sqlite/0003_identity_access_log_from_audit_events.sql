-- The patient's "who looked at my record" now reads the access log's AuditEvents through their entity
-- index (AccessLog.For): this table only repeated what those AuditEvents already hold, one row per access.
DROP TABLE IF EXISTS identity_access_log;
