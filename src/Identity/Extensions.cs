using System.Threading.RateLimiting;
using Fhir.Server.Features.Capabilities;
using Fhir.Server.Features.Security;
using Identity.Access;
using Identity.Accounts;
using Identity.Audit;
using Identity.Messaging;
using Identity.OAuth;
using Identity.Pages;
using Identity.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Identity;

public static class Extensions
{
    public const string LoginRateLimit = "identity-login";
    public const string TokenRateLimit = "identity-token";

    /// <summary>The schema scripts of this module, for the store initializer.</summary>
    public static IReadOnlyList<Fhir.Server.Store.SchemaMigrator.Script> Migrations => IdentityDb.Migrations;

    /// <summary>Accounts, the authorization server, the FHIR access policy and the access log.</summary>
    public static IServiceCollection AddIdentityServer(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IdentityServerOptions>().BindConfiguration(IdentityServerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<IdentityServerOptions>, IdentityOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IdentityDb>();
        services.AddSingleton<AccountStore>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<StaffAdministration>();
        services.AddSingleton<SignupRequests>();
        services.AddHttpContextAccessor();
        services.AddSingleton<ProxyAccess>();
        services.AddSingleton<ClientRegistry>();
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<Revocations>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<PatientCompartment>();
        services.AddSingleton(sp => new AccessLogJournal(sp.GetRequiredService<IOptions<Fhir.Server.Store.StorageOptions>>().Value.ConnectionString));
        services.AddSingleton<AccessLog>();
        services.AddHostedService(sp => sp.GetRequiredService<AccessLog>());
        services.AddSingleton<FhirAccessPolicy>();
        services.AddSingleton<IFhirAccessPolicy>(sp => sp.GetRequiredService<FhirAccessPolicy>());

        services.AddSingleton<FileOutbox>();
        services.AddHttpClient<HttpSmsGateway>();
        services.AddSingleton<IEmailSender>(sp => sp.GetRequiredService<IOptions<IdentityServerOptions>>().Value.Email.Sender == EmailSenderKind.Smtp
            ? ActivatorUtilities.CreateInstance<SmtpEmailSender>(sp)
            : sp.GetRequiredService<FileOutbox>());
        services.AddSingleton<ISmsSender>(sp => sp.GetRequiredService<IOptions<IdentityServerOptions>>().Value.Sms.Sender == SmsSenderKind.HttpGateway
            ? sp.GetRequiredService<HttpSmsGateway>()
            : sp.GetRequiredService<FileOutbox>());

        var limits = configuration.GetSection(IdentityServerOptions.Section).Get<IdentityServerOptions>()?.RateLimit ?? new RateLimitOptions();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(LoginRateLimit, context => PerAddress(context, limits.LoginPerMinute));
            o.AddPolicy(TokenRateLimit, context => PerAddress(context, limits.TokenPerMinute));
        });
        return services;
    }

    private static RateLimitPartition<string> PerAddress(HttpContext context, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "local",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });

    /// <summary>Bearer tokens on /fhir and the account API; must run before the FHIR endpoints are mapped.</summary>
    public static WebApplication UseIdentityTokens(this WebApplication app)
    {
        app.UseRateLimiter();
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/fhir") || context.Request.Path.StartsWithSegments(IssuerUrls.Prefix),
            branch => branch.UseMiddleware<BearerTokenMiddleware>());
        var capabilities = app.Services.GetRequiredService<CapabilityContributions>();
        capabilities.WriteSecurity = SmartCapability.Write;
        return app;
    }

    public static WebApplication MapIdentity(this WebApplication app)
    {
        app.MapOAuthEndpoints();
        app.MapAuthorizePages();
        app.MapAccountPages();
        return app;
    }
}

/// <summary>Rules the data annotations cannot express; each failure names the setting.</summary>
public sealed class IdentityOptionsValidator : IValidateOptions<IdentityServerOptions>
{
    public ValidateOptionsResult Validate(string? name, IdentityServerOptions o) =>
        Problems(o) is { Count: > 0 } failures ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;

    /// <summary>Also called by the host's start-up checks, so a wrong value stops it with one line.</summary>
    public static IReadOnlyList<string> Problems(IdentityServerOptions o)
    {
        var failures = new List<string>();
        if (o.Email.Sender == EmailSenderKind.Smtp && string.IsNullOrWhiteSpace(o.Email.SmtpHost))
            failures.Add("Identity:Email:SmtpHost is required when Identity:Email:Sender=Smtp");
        if (o.Sms.Sender == SmsSenderKind.HttpGateway && !Uri.TryCreate(o.Sms.GatewayUrl, UriKind.Absolute, out _))
            failures.Add("Identity:Sms:GatewayUrl (an absolute URL) is required when Identity:Sms:Sender=HttpGateway");
        if (o.DigiD.Enabled)
            failures.Add("Identity:DigiD:Enabled=true, but DigiD login through an OpenID Connect broker is not available in this version (see README, DigiD)");
        if (Accounts.PasswordRules.Check(o.DemoPassword).Count > 0)
            failures.Add("Identity:DemoPassword does not meet the password rules (10 characters, 1 upper-case, 1 lower-case letter, 2 digits)");
        return failures;
    }
}
