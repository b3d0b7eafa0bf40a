using Fhir.Server;
using Graph.Api;
using Identity;
using Jobs;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Portal.Host.Configuration;
using Portal.Host.Demo;
using Portal.Host.Health;
using Portal.Ui;

namespace Portal.Host;

public static class Extensions
{
    /// <summary>Checks the configuration, then registers the parts this instance runs.</summary>
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        StartupChecks.Validate(builder.Configuration);
        var services = builder.Services;
        services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section).ValidateOnStart();
        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section).ValidateOnStart();
        services.AddTrustedProxies(builder.Configuration);
        services.AddFhirServer(builder.Configuration);
        services.AddIdentityServer(builder.Configuration);
        services.AddNotificationOutbox(builder.Configuration);
        if (PortalOptions.ParseRoles(builder.Configuration[$"{PortalOptions.Section}:Roles"] ?? "all").HasFlag(PortalRoles.Jobs))
            services.AddPortalJobs(builder.Configuration).AddGraphApiJobs();
        services.AddGraphApi(builder.Configuration);
        services.AddPortalKeyRing(builder.Configuration);
        if (PortalOptions.ParseRoles(builder.Configuration[$"{PortalOptions.Section}:Roles"] ?? "all").HasFlag(PortalRoles.Ui))
            builder.AddPortalUi();
        services.AddSingleton<DemoPractice>();
        services.AddSingleton<DemoAccounts>();
        services.AddHostedService<PortalStartup>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        return builder;
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        var roles = PortalOptions.ParseRoles(app.Configuration[$"{PortalOptions.Section}:Roles"] ?? "all");
        app.UseTrustedProxies();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.UseIdentityTokens();
        app.MapIdentity();
        if (roles.HasFlag(PortalRoles.Fhir))
            app.MapFhirServer();
        if (roles.HasFlag(PortalRoles.GraphQL))
            app.MapGraphApi();
        if (roles.HasFlag(PortalRoles.Ui))
            app.MapPortalUi();
        return app;
    }
}
