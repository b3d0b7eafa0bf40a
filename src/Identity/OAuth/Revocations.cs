using System.Collections.Concurrent;
using Identity.Storage;
using Microsoft.Extensions.Options;

namespace Identity.OAuth;

/// <summary>
/// Which tokens and sessions no longer count, shared by every instance on the same database: revoked
/// access tokens and authorizations (identity_revoked_token) and per-account cut-offs ("logout
/// everywhere", a disabled account, a new password: identity_account.tokens_not_before_utc).
/// The database is the truth. Each instance keeps a snapshot and reloads it when it is older than
/// <see cref="IdentityServerOptions.RevocationRefreshSeconds"/>, so a revocation made on another
/// instance holds here within that bound; one made on this instance holds at once.
/// The snapshot stays small: revoked tokens only until they expire, cut-offs only while a token
/// issued before them could still be unexpired.
/// </summary>
public sealed class Revocations(IdentityDb db, IOptions<IdentityServerOptions> options, TimeProvider time)
{
    private sealed record Snapshot(IReadOnlySet<string> Ids, IReadOnlyDictionary<string, DateTimeOffset> NotBefore, DateTimeOffset LoadedAt);

    private sealed record SessionState(bool Active, DateTimeOffset? NotBefore, DateTimeOffset LoadedAt);

    private readonly Lock _reload = new();
    private volatile Snapshot? _snapshot;
    private readonly ConcurrentDictionary<string, SessionState> _sessions = new(StringComparer.Ordinal);

    /// <summary>How old the snapshot may get before it is reloaded from the database.</summary>
    public TimeSpan StalenessBound => TimeSpan.FromSeconds(options.Value.RevocationRefreshSeconds);

    /// <summary>True when the token (by jti), its authorization or its account's cut-off revokes it.</summary>
    public bool IsRevoked(string? jti, string? authorizationId, string? accountId, DateTimeOffset issuedAt)
    {
        var snapshot = Current();
        if (jti is not null && snapshot.Ids.Contains(jti))
            return true;
        if (authorizationId is not null && snapshot.Ids.Contains(authorizationId))
            return true;
        return accountId is not null && IsCutOff(snapshot, accountId, issuedAt);
    }

    /// <summary>
    /// True when the account's sessions that began at <paramref name="signedInAt"/> have ended: logout
    /// everywhere, a new password, or the account is disabled or gone. For the portal's cookie sessions,
    /// which may outlive an access token, so this reads the account itself (cached per account for the
    /// same staleness bound) rather than the token snapshot.
    /// </summary>
    public bool IsSessionEnded(string accountId, DateTimeOffset signedInAt)
    {
        var now = time.GetUtcNow();
        if (!_sessions.TryGetValue(accountId, out var state) || now - state.LoadedAt >= StalenessBound)
        {
            state = db.Query("SELECT status, tokens_not_before_utc FROM identity_account WHERE id = @id",
                    r => new SessionState(r.GetString(0) == "active", IdentityDb.ParseTime(r, "tokens_not_before_utc"), now), ("@id", accountId))
                .FirstOrDefault() ?? new SessionState(false, null, now);
            if (_sessions.Count > 100_000)
                _sessions.Clear();
            _sessions[accountId] = state;
        }
        // Milliseconds, as the portal records its logins: a session that began in the same second as, but
        // before, a logout everywhere must end too (whole seconds are only for JWT iat, see IsCutOff).
        return !state.Active || (state.NotBefore is { } nb && signedInAt.ToUnixTimeMilliseconds() < nb.ToUnixTimeMilliseconds());
    }

    /// <summary>This instance changed the revocation state: the next check reads the database.</summary>
    public void Invalidate()
    {
        _snapshot = null;
        _sessions.Clear();
    }

    /// <summary>Cut-offs in whole seconds, as JWT iat is: a token issued in the second of the cut-off still counts.</summary>
    private static bool IsCutOff(Snapshot snapshot, string accountId, DateTimeOffset issuedAt) =>
        snapshot.NotBefore.TryGetValue(accountId, out var notBefore) && issuedAt.ToUnixTimeSeconds() < notBefore.ToUnixTimeSeconds();

    private Snapshot Current()
    {
        var now = time.GetUtcNow();
        var snapshot = _snapshot;
        if (snapshot is not null && now - snapshot.LoadedAt < StalenessBound)
            return snapshot;
        lock (_reload)
        {
            snapshot = _snapshot;
            if (snapshot is not null && now - snapshot.LoadedAt < StalenessBound)
                return snapshot;
            snapshot = Load(now);
            _snapshot = snapshot;
            return snapshot;
        }
    }

    private Snapshot Load(DateTimeOffset now)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (jti, authorization) in db.Query("SELECT jti, authorization_id FROM identity_revoked_token WHERE expires_utc > @now",
            r => (r.GetString(0), IdentityDb.String(r, "authorization_id")), ("@now", IdentityDb.Time(now))))
        {
            ids.Add(jti);
            if (authorization is not null)
                ids.Add(authorization);
        }
        // A cut-off older than the longest access-token lifetime (plus clock skew) cannot revoke an unexpired token.
        var since = now - TimeSpan.FromMinutes(options.Value.AccessTokenMinutes) - TimeSpan.FromMinutes(5);
        var notBefore = db.Query("SELECT id, tokens_not_before_utc FROM identity_account WHERE tokens_not_before_utc > @since",
                r => (Id: r.GetString(0), At: IdentityDb.ParseTime(r.GetString(1))), ("@since", IdentityDb.Time(since)))
            .ToDictionary(x => x.Id, x => x.At, StringComparer.Ordinal);
        return new Snapshot(ids, notBefore, now);
    }
}
