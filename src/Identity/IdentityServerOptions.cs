using System.ComponentModel.DataAnnotations;

namespace Identity;

/// <summary>Settings of the identity module (section "Identity").</summary>
public sealed class IdentityServerOptions
{
    public const string Section = "Identity";

    /// <summary>The issuer (iss) and public base of /auth; empty means the address the request came in on.</summary>
    [Url]
    public string? Issuer { get; set; }

    /// <summary>Where e-mail links point (the portal's public address).</summary>
    [Required, Url]
    public string PublicUrl { get; set; } = "http://localhost:5080";

    [Required]
    public string PracticeName { get; set; } = "Huisartsenpraktijk De Linde";

    [Range(1, 1440)]
    public int AccessTokenMinutes { get; set; } = 15;

    /// <summary>How long a login lasts for an app with offline_access: refresh tokens rotate, but the last one expires this many days after the login.</summary>
    [Range(1, 365)]
    public int RefreshTokenDays { get; set; } = 30;

    /// <summary>
    /// How stale an instance's view of revocations may be: a token revoked or an account logged out
    /// everywhere on another instance (same database) stops working here within this many seconds.
    /// 0 reads the database on every request.
    /// </summary>
    [Range(0, 300)]
    public int RevocationRefreshSeconds { get; set; } = 5;

    /// <summary>
    /// How often the access log moves the AuditEvents from its journal into the FHIR store (in writes of at most
    /// <see cref="Audit.AccessLog.MaxEventsPerWrite"/>; the
    /// journal itself commits every 100 ms under load). Searches of AuditEvents show accesses this much later; the
    /// patient's own access view is always complete.
    /// </summary>
    [Range(0.1, 3600)]
    public double AccessLogStoreSeconds { get; set; } = 1;

    /// <summary>Password given to the demo accounts (printed in the start-up log).</summary>
    [Required]
    public string DemoPassword { get; set; } = "Welkom2026";

    [Required]
    public string OutboxPath { get; set; } = "./data/outbox";

    public EmailOptions Email { get; set; } = new();

    public SmsOptions Sms { get; set; } = new();

    public RateLimitOptions RateLimit { get; set; } = new();

    public DigiDOptions DigiD { get; set; } = new();
}

public enum EmailSenderKind { Outbox, Smtp }

public enum SmsSenderKind { Outbox, HttpGateway }

public sealed class EmailOptions
{
    public EmailSenderKind Sender { get; set; } = EmailSenderKind.Outbox;

    public string From { get; set; } = "portaal@praktijkdelinde.nl";

    public string? SmtpHost { get; set; }

    [Range(1, 65535)]
    public int SmtpPort { get; set; } = 587;

    public bool SmtpSsl { get; set; } = true;

    public string? SmtpUser { get; set; }

    public string? SmtpPassword { get; set; }
}

public sealed class SmsOptions
{
    public SmsSenderKind Sender { get; set; } = SmsSenderKind.Outbox;

    /// <summary>The gateway receives POST {"to": "...", "text": "..."} with "Authorization: Bearer {ApiKey}".</summary>
    [Url]
    public string? GatewayUrl { get; set; }

    public string? GatewayApiKey { get; set; }
}

public sealed class RateLimitOptions
{
    /// <summary>Login form posts (password and SMS code) per client address per minute.</summary>
    [Range(1, 100000)]
    public int LoginPerMinute { get; set; } = 30;

    /// <summary>Token, introspection and revocation requests per client address per minute.</summary>
    [Range(1, 1000000)]
    public int TokenPerMinute { get; set; } = 600;

    /// <summary>Account requests (self sign-up) per client address per hour.</summary>
    [Range(1, 100000)]
    public int SignupPerHour { get; set; } = 5;
}

/// <summary>
/// DigiD is reached through an OpenID Connect broker that the practice contracts (DigiD itself is not
/// an OIDC provider). This version has the slot, not the integration: enabling it stops the host.
/// </summary>
public sealed class DigiDOptions
{
    public bool Enabled { get; set; }

    [Url]
    public string? BrokerAuthority { get; set; }

    public string? ClientId { get; set; }
}
