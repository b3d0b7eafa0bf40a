using System.Net;
using Portal.Ui.Tests.Infrastructure;

namespace Portal.Ui.Tests;

/// <summary>The portal runs only where Portal:Roles has ui; an API-only instance serves no pages and takes no cookies.</summary>
[Collection(PortalCollection.Name)]
public sealed class RolesTests
{
    [Fact]
    public async Task HostWithoutUiRole_ServesNoPortalPages_ButTheApis()
    {
        await using var host = new ApiOnlyHost();
        await host.Host.InitializeAsync();
        using var client = new HttpClient { BaseAddress = host.Host.BaseAddress };

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/inloggen")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/berichten")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/fhir/metadata")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/graphql", new StringContent("{\"query\":\"{ __typename }\"}", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
    }

    private sealed class ApiOnlyHost : IAsyncDisposable
    {
        public PortalHost Host { get; } = new("--Portal:Roles=fhir,graphql");

        public async ValueTask DisposeAsync() => await Host.DisposeAsync();
    }
}
