using Fhir.Server.Store;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Portal.Host.Health;

/// <summary>Ready means the database answers.</summary>
public sealed class DatabaseHealthCheck(IResourceStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await store.IsReachableAsync(cancellationToken)
            ? HealthCheckResult.Healthy("database reachable")
            : HealthCheckResult.Unhealthy("database not reachable");
}
