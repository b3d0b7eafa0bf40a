using System.Security.Cryptography;
using Identity.Storage;
using Microsoft.IdentityModel.Tokens;

namespace Identity.OAuth;

/// <summary>
/// The server's token signing keys (RS256), persisted in identity_signing_key so tokens survive a
/// restart and every instance signs alike. Rotation adds a new key and retires the old one; retired
/// keys stay in the JWKS for a day so tokens they signed still validate. Each instance re-reads the
/// keys every <see cref="ReloadAfter"/> (and at once when a token names a key it does not know), so a
/// rotation by the CLI or another instance reaches every instance.
/// https://www.rfc-editor.org/rfc/rfc7517
/// </summary>
public sealed class SigningKeys(IdentityDb db, TimeProvider time)
{
    public static readonly TimeSpan RetiredKeysPublishedFor = TimeSpan.FromDays(1);
    public static readonly TimeSpan ReloadAfter = TimeSpan.FromMinutes(1);
    private sealed record Loaded(IReadOnlyList<Key> Keys, DateTimeOffset At);
    private volatile Loaded? _keys;

    public sealed record Key(string Kid, RsaSecurityKey Security, DateTimeOffset Created, DateTimeOffset? Retired);

    /// <summary>The key new tokens are signed with; created on first use.</summary>
    public Key Current
    {
        get
        {
            var current = Load().FirstOrDefault(k => k.Retired is null);
            if (current is not null)
                return current;
            Rotate();
            return Load().First(k => k.Retired is null);
        }
    }

    /// <summary>Keys that validate tokens: the current one and recently retired ones.</summary>
    public IReadOnlyList<Key> Published
    {
        get
        {
            _ = Current;
            var cutoff = time.GetUtcNow() - RetiredKeysPublishedFor;
            return Load().Where(k => k.Retired is null || k.Retired > cutoff).ToList();
        }
    }

    public Key Rotate()
    {
        using var rsa = RSA.Create(2048);
        var kid = IdentityDb.Base64Url(RandomNumberGenerator.GetBytes(12));
        var now = IdentityDb.Time(time.GetUtcNow());
        using (var connection = db.Open())
        using (var tx = connection.BeginTransaction())
        {
            IdentityDb.Execute(connection, "UPDATE identity_signing_key SET retired_utc = @now WHERE retired_utc IS NULL", ("@now", now));
            IdentityDb.Execute(connection, "INSERT INTO identity_signing_key (kid, alg, private_pem, created_utc) VALUES (@k, 'RS256', @pem, @now)",
                ("@k", kid), ("@pem", rsa.ExportPkcs8PrivateKeyPem()), ("@now", now));
            tx.Commit();
        }
        _keys = null;
        return Load().First(k => k.Kid == kid);
    }

    public void Reload() => _keys = null;

    /// <summary>Reloads for a token that names an unknown key, at most once per few seconds however many such tokens arrive.</summary>
    public void ReloadForUnknownKey()
    {
        if (_keys is { } loaded && time.GetUtcNow() - loaded.At >= TimeSpan.FromSeconds(5))
            _keys = null;
    }

    private IReadOnlyList<Key> Load()
    {
        var now = time.GetUtcNow();
        if (_keys is { } loaded && now - loaded.At < ReloadAfter)
            return loaded.Keys;
        var keys = db.Query("SELECT kid, private_pem, created_utc, retired_utc FROM identity_signing_key ORDER BY created_utc DESC", r =>
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(r.GetString(1));
            return new Key(r.GetString(0), new RsaSecurityKey(rsa) { KeyId = r.GetString(0) }, IdentityDb.ParseTime(r.GetString(2)), IdentityDb.ParseTime(r, "retired_utc"));
        });
        _keys = new Loaded(keys, now);
        return keys;
    }

    /// <summary>The public halves as a JWKS document.</summary>
    public object Jwks() => new
    {
        keys = Published.Select(k =>
        {
            var p = k.Security.Rsa.ExportParameters(false);
            return new Dictionary<string, string>
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["alg"] = "RS256",
                ["kid"] = k.Kid,
                ["n"] = IdentityDb.Base64Url(p.Modulus!),
                ["e"] = IdentityDb.Base64Url(p.Exponent!),
            };
        }).ToArray(),
    };
}
