using Identity.Storage;
using Microsoft.Data.Sqlite;

namespace Identity.OAuth;

public static class ClientAuthMethods
{
    public const string PrivateKeyJwt = "private_key_jwt";
    public const string ClientSecretBasic = "client_secret_basic";
    public const string None = "none";
}

/// <summary>A registered OAuth client: a HIS (backend services) or an app (authorization code).</summary>
public sealed record OAuthClient(
    string ClientId,
    string Name,
    string AuthMethod,
    string? SecretHash,
    string? Jwks,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> Scopes);

/// <summary>identity_client rows; written by the host's <c>clients</c> command and by tests.</summary>
public sealed class ClientRegistry(IdentityDb db, TimeProvider time)
{
    public OAuthClient? Find(string? clientId) => string.IsNullOrEmpty(clientId) ? null
        : db.Single("SELECT * FROM identity_client WHERE client_id = @id", Map, ("@id", clientId));

    public IReadOnlyList<OAuthClient> All() => db.Query("SELECT * FROM identity_client ORDER BY client_id", Map);

    /// <summary>Creates or replaces a client. For client_secret_basic a secret is generated when none is given and returned.</summary>
    public string? Save(string clientId, string name, string authMethod, IEnumerable<string> scopes, IEnumerable<string>? redirectUris = null,
        string? jwks = null, string? secret = null)
    {
        if (authMethod is not (ClientAuthMethods.PrivateKeyJwt or ClientAuthMethods.ClientSecretBasic or ClientAuthMethods.None))
            throw new ArgumentException($"auth method '{authMethod}' is not private_key_jwt, client_secret_basic or none");
        if (authMethod == ClientAuthMethods.PrivateKeyJwt)
        {
            if (string.IsNullOrWhiteSpace(jwks))
                throw new ArgumentException("private_key_jwt needs the client's public keys (a JWKS)");
            _ = new Microsoft.IdentityModel.Tokens.JsonWebKeySet(jwks);
        }
        if (authMethod == ClientAuthMethods.ClientSecretBasic)
            secret ??= IdentityDb.NewSecret(24);
        else
            secret = null;
        var scopeList = scopes.SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct().ToList();
        foreach (var scope in scopeList)
        {
            if (!SmartScope.IsKnown(scope))
                throw new ArgumentException($"scope '{scope}' is not a SMART scope this server knows");
        }
        db.Execute("""
            INSERT OR REPLACE INTO identity_client (client_id, name, auth_method, secret_hash, jwks, redirect_uris, scopes, created_utc)
            VALUES (@id, @name, @m, @h, @jwks, @uris, @scopes, @now)
            """, ("@id", clientId), ("@name", name), ("@m", authMethod), ("@h", secret is null ? null : IdentityDb.Hash(secret)), ("@jwks", jwks),
            ("@uris", string.Join(' ', redirectUris ?? [])), ("@scopes", string.Join(' ', scopeList)), ("@now", IdentityDb.Time(time.GetUtcNow())));
        return secret;
    }

    public bool Remove(string clientId) => db.Execute("DELETE FROM identity_client WHERE client_id = @id", ("@id", clientId)) > 0;

    private static OAuthClient Map(SqliteDataReader r) => new(
        r.GetString(r.GetOrdinal("client_id")),
        r.GetString(r.GetOrdinal("name")),
        r.GetString(r.GetOrdinal("auth_method")),
        IdentityDb.String(r, "secret_hash"),
        IdentityDb.String(r, "jwks"),
        r.GetString(r.GetOrdinal("redirect_uris")).Split(' ', StringSplitOptions.RemoveEmptyEntries),
        r.GetString(r.GetOrdinal("scopes")).Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
