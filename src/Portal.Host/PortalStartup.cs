using Fhir.Server;
using Fhir.Server.Store;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Portal.Host.Configuration;
using Portal.Host.Demo;

namespace Portal.Host;

/// <summary>
/// Runs before the server accepts requests: schema migrations, then the demo practice. After start
/// it logs where everything is.
/// </summary>
public sealed class PortalStartup(
    IServiceProvider services,
    IStoreInitializer store,
    IOptions<DemoOptions> demo,
    IOptions<PortalOptions> portal,
    IOptions<Identity.IdentityServerOptions> identity,
    IServer server,
    ILogger<PortalStartup> logger) : IHostedLifecycleService
{
    private IReadOnlyList<DemoAccounts.Demo> _demoAccounts = [];

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        services.InitializeFhirStore(Identity.Extensions.Migrations.Concat(Jobs.Extensions.Migrations).Concat(Graph.Api.Extensions.Migrations));
        if (demo.Value.Seed)
        {
            await services.GetRequiredService<DemoPractice>().SeedAsync(cancellationToken);
            _demoAccounts = await services.GetRequiredService<DemoAccounts>().EnsureAsync(cancellationToken);
        }
    }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var root = addresses.FirstOrDefault() ?? "(no address)";
        logger.LogInformation("Roles: {Roles}", portal.Value.ParsedRoles);
        logger.LogInformation("Database: {Database}", store.Describe());
        logger.LogInformation("FHIR R4 endpoint: {Url}/fhir (CapabilityStatement at {Url}/fhir/metadata)", root, root);
        logger.LogInformation("Health: {Url}/health/live and {Url}/health/ready", root, root);
        logger.LogInformation("SMART authorization server: {Url}/auth (configuration at {Url}/.well-known/smart-configuration)", root, root);
        if (_demoAccounts.Count > 0)
        {
            logger.LogInformation("Demo accounts, all with password {Password}; SMS codes are written to {Outbox}:",
                identity.Value.DemoPassword, Path.GetFullPath(identity.Value.OutboxPath));
            foreach (var account in _demoAccounts)
                logger.LogInformation("  {Email} (sms {Phone}): {Description}", account.Email, account.Phone, account.Description);
        }
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
