using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Identity.Accounts;
using Identity.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Identity.OAuth;

/// <summary>Claim names in our access tokens (SMART: patient, fhirUser; RFC 9068: client_id, scope).</summary>
public static class TokenClaims
{
    public const string Scope = "scope";
    public const string ClientId = "client_id";
    public const string Patient = "patient";
    public const string FhirUser = "fhirUser";
    public const string Kind = "kind";
    public const string Role = "role";
    public const string Organization = "org";
    public const string Authorization = "auth_id";
    public const string Name = "name";

    public const string KindSystem = "system";
    public const string KindPatient = "patient";
    public const string KindStaff = "staff";
}

public sealed record TokenRequestContext(string Issuer, string TokenEndpoint, string FhirBase);

/// <summary>
/// The token endpoint's work: client authentication (client_secret_basic, private_key_jwt per RFC 7523
/// and SMART Backend Services), the grants client_credentials, authorization_code with PKCE S256
/// (RFC 7636) and refresh_token, introspection (RFC 7662) and revocation (RFC 7009).
/// https://hl7.org/fhir/smart-app-launch/backend-services.html
/// </summary>
public sealed class TokenService(
    IdentityDb db,
    ClientRegistry clients,
    SigningKeys keys,
    AccountStore accounts,
    Revocations revocations,
    IOptions<IdentityServerOptions> options,
    TimeProvider time)
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    public static readonly TimeSpan MaxAssertionLifetime = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(2);
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly ConcurrentDictionary<string, (ClaimsPrincipal Principal, DateTimeOffset Expires)> _validated = new(StringComparer.Ordinal);

    public TimeSpan AccessTokenLifetime => TimeSpan.FromMinutes(options.Value.AccessTokenMinutes);

    public async Task<Dictionary<string, object>> HandleAsync(IReadOnlyDictionary<string, string> form, string? authorizationHeader, TokenRequestContext urls)
    {
        var grant = form.GetValueOrDefault("grant_type");
        return grant switch
        {
            "client_credentials" => await ClientCredentialsAsync(form, authorizationHeader, urls),
            "authorization_code" => await AuthorizationCodeAsync(form, authorizationHeader, urls),
            "refresh_token" => await RefreshAsync(form, authorizationHeader, urls),
            null or "" => throw OAuthError.InvalidRequest("grant_type is missing"),
            _ => throw new OAuthError("unsupported_grant_type", $"grant_type {grant} is not supported"),
        };
    }

    /// <summary>Authenticates the client per its registered method. Public clients (method none) only name themselves.</summary>
    public async Task<OAuthClient> AuthenticateClientAsync(IReadOnlyDictionary<string, string> form, string? authorizationHeader, TokenRequestContext urls, bool allowPublic)
    {
        if (authorizationHeader is not null && authorizationHeader.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorizationHeader[6..].Trim()));
            }
            catch (FormatException)
            {
                throw OAuthError.InvalidClient("The Basic credentials are not base64");
            }
            var colon = decoded.IndexOf(':');
            if (colon < 0)
                throw OAuthError.InvalidClient("The Basic credentials have no colon");
            var id = Uri.UnescapeDataString(decoded[..colon].Replace('+', ' '));
            var secret = Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' '));
            var client = clients.Find(id);
            if (client is not { AuthMethod: ClientAuthMethods.ClientSecretBasic, SecretHash: not null }
                || !CryptographicOperations.FixedTimeEquals(Convert.FromHexString(IdentityDb.Hash(secret)), Convert.FromHexString(client.SecretHash)))
                throw OAuthError.InvalidClient("Client authentication failed");
            return client;
        }
        if (form.TryGetValue("client_assertion", out var assertion))
        {
            if (form.GetValueOrDefault("client_assertion_type") != AssertionType)
                throw OAuthError.InvalidClient($"client_assertion_type must be {AssertionType}");
            return await ValidateAssertionAsync(assertion, form.GetValueOrDefault("client_id"), urls);
        }
        var publicClient = clients.Find(form.GetValueOrDefault("client_id"));
        if (allowPublic && publicClient is { AuthMethod: ClientAuthMethods.None })
            return publicClient;
        throw OAuthError.InvalidClient(publicClient is null ? "Unknown client" : "Client authentication is required");
    }

    private async Task<OAuthClient> ValidateAssertionAsync(string assertion, string? claimedId, TokenRequestContext urls)
    {
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(assertion);
        }
        catch (ArgumentException)
        {
            throw OAuthError.InvalidClient("client_assertion is not a JWT");
        }
        var client = clients.Find(jwt.Issuer);
        if (client is not { AuthMethod: ClientAuthMethods.PrivateKeyJwt, Jwks: not null } || (claimedId is not null && claimedId != client.ClientId))
            throw OAuthError.InvalidClient("Unknown client or client not registered for private_key_jwt");
        var result = await Handler.ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            ValidIssuer = client.ClientId,
            ValidAudiences = [urls.TokenEndpoint, urls.Issuer],
            IssuerSigningKeys = new JsonWebKeySet(client.Jwks).GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha384, SecurityAlgorithms.EcdsaSha384],
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            LifetimeValidator = (nbf, exp, _, _) => exp is { } e && e.ToUniversalTime() > time.GetUtcNow().UtcDateTime.AddSeconds(-30),
        });
        if (!result.IsValid)
            throw OAuthError.InvalidClient($"client_assertion rejected: {Describe(result.Exception)}");
        var now = time.GetUtcNow();
        var exp = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
        if (exp > now + MaxAssertionLifetime + TimeSpan.FromSeconds(30))
            throw OAuthError.InvalidClient("client_assertion exp is more than 5 minutes ahead");
        if (jwt.Subject != client.ClientId)
            throw OAuthError.InvalidClient("client_assertion sub must be the client_id");
        if (string.IsNullOrEmpty(jwt.Id))
            throw OAuthError.InvalidClient("client_assertion has no jti");
        using var connection = db.Open();
        IdentityDb.Execute(connection, "DELETE FROM identity_assertion_jti WHERE expires_utc < @now", ("@now", IdentityDb.Time(now)));
        try
        {
            IdentityDb.Execute(connection, "INSERT INTO identity_assertion_jti (client_id, jti, expires_utc) VALUES (@c, @j, @e)",
                ("@c", client.ClientId), ("@j", jwt.Id), ("@e", IdentityDb.Time(exp.AddMinutes(1))));
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            throw OAuthError.InvalidClient("client_assertion jti was used before (replay)");
        }
        return client;
    }

    private static string Describe(Exception? ex) => ex switch
    {
        SecurityTokenInvalidAudienceException => "wrong audience (aud must be the token endpoint)",
        SecurityTokenExpiredException => "expired",
        SecurityTokenNoExpirationException => "no exp",
        SecurityTokenInvalidLifetimeException => "expired",
        SecurityTokenInvalidAlgorithmException => "algorithm must be RS384 or ES384",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "signature does not verify with the registered keys",
        SecurityTokenInvalidIssuerException => "iss must be the client_id",
        null => "invalid",
        _ => ex.GetType().Name,
    };

    private async Task<Dictionary<string, object>> ClientCredentialsAsync(IReadOnlyDictionary<string, string> form, string? authorization, TokenRequestContext urls)
    {
        var client = await AuthenticateClientAsync(form, authorization, urls, allowPublic: false);
        var requested = Split(form.GetValueOrDefault("scope"));
        if (requested.Count == 0)
            throw OAuthError.InvalidScope("scope is required");
        foreach (var scope in requested)
        {
            if (SmartScope.Parse(scope) is not { Context: "system" } || !SmartScope.Covers(client.Scopes, scope))
                throw OAuthError.InvalidScope($"scope {scope} is not granted to this client");
        }
        var scopeText = string.Join(' ', requested);
        var claims = new Dictionary<string, object> { [TokenClaims.Kind] = TokenClaims.KindSystem };
        var (token, expires) = IssueAccessToken(urls, client.ClientId, client.ClientId, scopeText, claims);
        return Response(token, expires, scopeText);
    }

    private async Task<Dictionary<string, object>> AuthorizationCodeAsync(IReadOnlyDictionary<string, string> form, string? authorization, TokenRequestContext urls)
    {
        var client = await AuthenticateClientAsync(form, authorization, urls, allowPublic: true);
        var code = form.GetValueOrDefault("code") ?? throw OAuthError.InvalidRequest("code is missing");
        var verifier = form.GetValueOrDefault("code_verifier") ?? throw OAuthError.InvalidRequest("code_verifier is missing (PKCE is required)");
        var now = time.GetUtcNow();
        var grant = db.Single("SELECT * FROM identity_authorization WHERE code_hash = @h", AuthorizationGrant.Map, ("@h", IdentityDb.Hash(code)))
            ?? throw OAuthError.InvalidGrant("Unknown authorization code");
        if (grant.CodeUsed)
        {
            // RFC 6749 4.1.2: a code used twice revokes what was issued for it.
            RevokeAuthorization(grant.Id, now);
            throw OAuthError.InvalidGrant("The authorization code was already used; tokens issued for it are revoked");
        }
        db.Execute("UPDATE identity_authorization SET code_used = 1 WHERE id = @id", ("@id", grant.Id));
        if (grant.ClientId != client.ClientId)
            throw OAuthError.InvalidGrant("The code was issued to another client");
        if (grant.Expires < now)
            throw OAuthError.InvalidGrant("The authorization code has expired");
        if (form.GetValueOrDefault("redirect_uri") != grant.RedirectUri)
            throw OAuthError.InvalidGrant("redirect_uri does not match the authorization request");
        var challenge = IdentityDb.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(challenge), Encoding.ASCII.GetBytes(grant.CodeChallenge)))
            throw OAuthError.InvalidGrant("code_verifier does not match the code_challenge (PKCE)");
        var account = accounts.FindById(grant.AccountId!) ?? throw OAuthError.InvalidGrant("The account no longer exists");
        return IssueForAccount(urls, client, account, grant.GrantedScope!, grant.PatientId, grant.Id, grant.Nonce, withRefresh: true);
    }

    /// <summary>
    /// Refresh token rotation with reuse detection (OAuth 2.0 Security BCP, RFC 9700 4.14.2): each refresh
    /// token works once and is replaced; presenting one again (a copy was stolen, or the client is
    /// confused) revokes the whole authorization, refresh and access tokens alike. The replacement keeps
    /// the expiry of the first one, so a login lasts at most Identity:RefreshTokenDays, however often it is refreshed.
    /// </summary>
    private async Task<Dictionary<string, object>> RefreshAsync(IReadOnlyDictionary<string, string> form, string? authorization, TokenRequestContext urls)
    {
        var client = await AuthenticateClientAsync(form, authorization, urls, allowPublic: true);
        var presented = form.GetValueOrDefault("refresh_token") ?? throw OAuthError.InvalidRequest("refresh_token is missing");
        var now = time.GetUtcNow();
        var hash = IdentityDb.Hash(presented);
        var row = db.Single("SELECT authorization_id, client_id, account_id, scope, patient_id, expires_utc, revoked_utc FROM identity_refresh_token WHERE hash = @h",
            r => new
            {
                Authorization = r.GetString(0), Client = r.GetString(1), Account = r.GetString(2), Scope = r.GetString(3),
                Patient = IdentityDb.String(r, "patient_id"), Expires = IdentityDb.ParseTime(r.GetString(5)), Revoked = !r.IsDBNull(6),
            }, ("@h", hash));
        if (row is null || row.Client != client.ClientId)
            throw OAuthError.InvalidGrant("The refresh token is not valid");
        if (row.Revoked || db.Execute("UPDATE identity_refresh_token SET revoked_utc = @now WHERE hash = @h AND revoked_utc IS NULL",
                ("@now", IdentityDb.Time(now)), ("@h", hash)) == 0)
        {
            RevokeAuthorization(row.Authorization, now);
            throw OAuthError.InvalidGrant("The refresh token was already used or revoked; every token of this authorization is now revoked");
        }
        if (row.Expires < now)
            throw OAuthError.InvalidGrant("The refresh token has expired; log in again");
        var scope = row.Scope;
        if (form.GetValueOrDefault("scope") is { Length: > 0 } narrower)
        {
            var granted = Split(scope);
            if (Split(narrower).Any(s => !granted.Contains(s)))
                throw OAuthError.InvalidScope("A refresh can only narrow the scope");
            scope = narrower;
        }
        var account = accounts.FindById(row.Account) ?? throw OAuthError.InvalidGrant("The account no longer exists");
        if (!account.IsActive)
            throw OAuthError.InvalidGrant("The account is not active");
        return IssueForAccount(urls, client, account, scope, row.Patient, row.Authorization, null, withRefresh: true, refreshExpires: row.Expires);
    }

    private Dictionary<string, object> IssueForAccount(TokenRequestContext urls, OAuthClient client, Account account, string scope, string? patientId,
        string authorizationId, string? nonce, bool withRefresh, DateTimeOffset? refreshExpires = null)
    {
        var claims = new Dictionary<string, object>
        {
            [TokenClaims.Kind] = account.Kind == AccountKind.Patient ? TokenClaims.KindPatient : TokenClaims.KindStaff,
            [TokenClaims.Authorization] = authorizationId,
            [TokenClaims.Name] = account.DisplayName,
        };
        if (account.FhirUser is { } fhirUser) claims[TokenClaims.FhirUser] = fhirUser;
        if (patientId is not null) claims[TokenClaims.Patient] = patientId;
        if (account.StaffRole is { } role) claims[TokenClaims.Role] = role;
        if (account.OrganizationId is { } org) claims[TokenClaims.Organization] = org;
        var (token, expires) = IssueAccessToken(urls, account.Id, client.ClientId, scope, claims);
        var response = Response(token, expires, scope);
        if (patientId is not null) response["patient"] = patientId;
        var scopes = Split(scope);
        if (withRefresh && (scopes.Contains("offline_access") || scopes.Contains("online_access")))
        {
            var refresh = IdentityDb.NewSecret();
            var now = time.GetUtcNow();
            db.Execute("""
                INSERT INTO identity_refresh_token (hash, authorization_id, client_id, account_id, scope, patient_id, expires_utc, created_utc)
                VALUES (@h, @a, @c, @acc, @s, @p, @e, @now)
                """, ("@h", IdentityDb.Hash(refresh)), ("@a", authorizationId), ("@c", client.ClientId), ("@acc", account.Id), ("@s", scope),
                ("@p", patientId), ("@e", IdentityDb.Time(refreshExpires ?? now.AddDays(options.Value.RefreshTokenDays))), ("@now", IdentityDb.Time(now)));
            response["refresh_token"] = refresh;
        }
        if (scopes.Contains("openid"))
        {
            var id = new Dictionary<string, object>();
            if (account.FhirUser is { } fu) id[TokenClaims.FhirUser] = fu;
            if (nonce is not null) id["nonce"] = nonce;
            id[TokenClaims.Name] = account.DisplayName;
            response["id_token"] = Sign(urls.Issuer, account.Id, client.ClientId, id, AccessTokenLifetime).Token;
        }
        return response;
    }

    private (string Token, DateTimeOffset Expires) IssueAccessToken(TokenRequestContext urls, string subject, string clientId, string scope, Dictionary<string, object> claims)
    {
        claims[TokenClaims.ClientId] = clientId;
        claims[TokenClaims.Scope] = scope;
        return Sign(urls.Issuer, subject, urls.FhirBase, claims, AccessTokenLifetime, "at+jwt");
    }

    private (string Token, DateTimeOffset Expires) Sign(string issuer, string subject, string audience, Dictionary<string, object> claims, TimeSpan lifetime, string? type = null)
    {
        var now = time.GetUtcNow();
        var key = keys.Current;
        claims["jti"] = IdentityDb.NewSecret(16);
        claims["sub"] = subject;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key.Security, SecurityAlgorithms.RsaSha256),
            TokenType = type,
        };
        return (Handler.CreateToken(descriptor), now + lifetime);
    }

    private Dictionary<string, object> Response(string token, DateTimeOffset expires, string scope) => new()
    {
        ["access_token"] = token,
        ["token_type"] = "Bearer",
        ["expires_in"] = (int)Math.Round((expires - time.GetUtcNow()).TotalSeconds),
        ["scope"] = scope,
    };

    /// <summary>
    /// The answer for a token this instance validated before, looked up straight from the request header
    /// (no copy of the ~1 KB token per request): true with its principal while it is unexpired and not
    /// revoked, true with null once it no longer is; false when it has not been validated yet.
    /// </summary>
    public bool TryGetValidated(ReadOnlySpan<char> token, out ClaimsPrincipal? principal)
    {
        var lookup = _validated.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(token, out var cached))
        {
            principal = null;
            return false;
        }
        if (cached.Expires > time.GetUtcNow() && !IsRevoked(cached.Principal))
        {
            principal = cached.Principal;
            return true;
        }
        lookup.TryRemove(token, out _, out _);
        principal = null;
        return true;
    }

    /// <summary>Validates an access token presented to the FHIR API; null when it is not (any longer) valid.</summary>
    public async Task<ClaimsPrincipal?> ValidateAccessTokenAsync(string token, string issuer, string audience)
    {
        var now = time.GetUtcNow();
        if (TryGetValidated(token, out var known))
            return known;
        var result = await ValidateSignedAsync(token, issuer, audience, now);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // Signed with a key another instance (or the CLI) created since this one last read them.
            keys.ReloadForUnknownKey();
            result = await ValidateSignedAsync(token, issuer, audience, now);
        }
        if (!result.IsValid)
            return null;
        var principal = new ClaimsPrincipal(result.ClaimsIdentity);
        if (IsRevoked(principal))
            return null;
        if (_validated.Count > 50_000)
            _validated.Clear();
        _validated[token] = (principal, new DateTimeOffset(((JsonWebToken)result.SecurityToken).ValidTo, TimeSpan.Zero));
        return principal;
    }

    private Task<TokenValidationResult> ValidateSignedAsync(string token, string issuer, string audience, DateTimeOffset now) =>
        Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = audience,
            IssuerSigningKeys = keys.Published.Select(k => (SecurityKey)k.Security),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidTypes = ["at+jwt"],
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = "sub",
            LifetimeValidator = (nbf, exp, _, _) => exp is { } e && e.ToUniversalTime() > now.UtcDateTime,
        });

    /// <summary>Revocation is checked on every use, also of a cached principal, against the state all instances share.</summary>
    private bool IsRevoked(ClaimsPrincipal principal)
    {
        var account = principal.FindFirstValue(TokenClaims.Kind) is TokenClaims.KindPatient or TokenClaims.KindStaff ? principal.FindFirstValue("sub") : null;
        var issuedAt = long.TryParse(principal.FindFirstValue("iat"), out var iat) ? DateTimeOffset.FromUnixTimeSeconds(iat) : DateTimeOffset.MinValue;
        return revocations.IsRevoked(principal.FindFirstValue("jti"), principal.FindFirstValue(TokenClaims.Authorization), account, issuedAt);
    }

    /// <summary>Called after logout everywhere on this instance: the next check reads the shared state.</summary>
    public void ForgetAccount(string accountId) => revocations.Invalidate();

    /// <summary>RFC 7009: refresh tokens are revoked in the database; access tokens by their jti.</summary>
    public async Task RevokeAsync(string token, OAuthClient client, TokenRequestContext urls)
    {
        var now = time.GetUtcNow();
        var changed = db.Execute("UPDATE identity_refresh_token SET revoked_utc = @now WHERE hash = @h AND client_id = @c AND revoked_utc IS NULL",
            ("@now", IdentityDb.Time(now)), ("@h", IdentityDb.Hash(token)), ("@c", client.ClientId));
        if (changed > 0)
            return;
        var principal = await ValidateAccessTokenAsync(token, urls.Issuer, urls.FhirBase);
        if (principal?.FindFirstValue(TokenClaims.ClientId) == client.ClientId && principal.FindFirstValue("jti") is { } jti)
        {
            db.Execute("DELETE FROM identity_revoked_token WHERE expires_utc < @now", ("@now", IdentityDb.Time(now)));
            db.Execute("INSERT OR IGNORE INTO identity_revoked_token (jti, expires_utc) VALUES (@j, @e)",
                ("@j", jti), ("@e", IdentityDb.Time(now + AccessTokenLifetime)));
            revocations.Invalidate();
            _validated.TryRemove(token, out _);
        }
    }

    private void RevokeAuthorization(string authorizationId, DateTimeOffset now)
    {
        db.Execute("UPDATE identity_refresh_token SET revoked_utc = @now WHERE authorization_id = @a AND revoked_utc IS NULL",
            ("@now", IdentityDb.Time(now)), ("@a", authorizationId));
        db.Execute("INSERT OR IGNORE INTO identity_revoked_token (jti, authorization_id, expires_utc) VALUES (@j, @a, @e)",
            ("@j", "auth:" + authorizationId), ("@a", authorizationId), ("@e", IdentityDb.Time(now + AccessTokenLifetime)));
        revocations.Invalidate();
    }

    /// <summary>RFC 7662: what an active token says; {"active": false} for anything else.</summary>
    public async Task<Dictionary<string, object>> IntrospectAsync(string token, TokenRequestContext urls)
    {
        var principal = await ValidateAccessTokenAsync(token, urls.Issuer, urls.FhirBase);
        if (principal is null)
        {
            var refresh = db.Single("SELECT client_id, account_id, scope, patient_id, expires_utc FROM identity_refresh_token WHERE hash = @h AND revoked_utc IS NULL AND expires_utc > @now",
                r => new Dictionary<string, object>
                {
                    ["active"] = true, ["client_id"] = r.GetString(0), ["sub"] = r.GetString(1), ["scope"] = r.GetString(2),
                    ["token_type"] = "refresh_token", ["exp"] = IdentityDb.ParseTime(r.GetString(4)).ToUnixTimeSeconds(),
                }, ("@h", IdentityDb.Hash(token)), ("@now", IdentityDb.Time(time.GetUtcNow())));
            return refresh ?? new Dictionary<string, object> { ["active"] = false };
        }
        var answer = new Dictionary<string, object> { ["active"] = true, ["token_type"] = "Bearer", ["iss"] = urls.Issuer, ["aud"] = urls.FhirBase };
        foreach (var name in new[] { "scope", "client_id", "sub", "patient", "fhirUser", "jti", "role", "org" })
        {
            if (principal.FindFirstValue(name) is { } value) answer[name] = value;
        }
        foreach (var name in new[] { "exp", "iat" })
        {
            if (long.TryParse(principal.FindFirstValue(name), out var value)) answer[name] = value;
        }
        return answer;
    }

    public static List<string> Split(string? scope) => (scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
}

public sealed record AuthorizationGrant(string Id, string ClientId, string RedirectUri, string Scope, string State, string CodeChallenge, string? Nonce,
    string? AccountId, string? PatientId, string? GrantedScope, bool CodeUsed, DateTimeOffset Expires)
{
    public static AuthorizationGrant Map(SqliteDataReader r) => new(
        r.GetString(r.GetOrdinal("id")), r.GetString(r.GetOrdinal("client_id")), r.GetString(r.GetOrdinal("redirect_uri")),
        r.GetString(r.GetOrdinal("scope")), r.GetString(r.GetOrdinal("state")), r.GetString(r.GetOrdinal("code_challenge")),
        IdentityDb.String(r, "nonce"), IdentityDb.String(r, "account_id"), IdentityDb.String(r, "patient_id"), IdentityDb.String(r, "granted_scope"),
        r.GetInt64(r.GetOrdinal("code_used")) != 0, IdentityDb.ParseTime(r.GetString(r.GetOrdinal("expires_utc"))));
}
