using Graph.Api.Messaging;
using Graph.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting;

namespace Graph.Api.Tests.Messaging;

/// <summary>
/// The overdue marks when two watch runs overlap (two jobs instances, or a run started by hand while the
/// scheduled one is busy). Own host without jobs, because resolving marks touches every open mark of the database.
/// </summary>
public sealed class OverdueMarkTests(OverdueMarkTests.WithoutJobs host) : IClassFixture<OverdueMarkTests.WithoutJobs>
{
    /// <summary>The host without the jobs role: its own watch (at start and every 15 minutes) would rightly resolve the made-up marks.</summary>
    public sealed class WithoutJobs : PortalApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Portal:Roles", "fhir,graphql,ui");
        }
    }

    private static readonly DateTimeOffset At = new(2026, 4, 28, 22, 1, 0, TimeSpan.Zero);
    private static readonly NodaTime.LocalDate Due = new(2026, 4, 28);

    [Fact]
    public void StaleRun_DoesNotResolve_AMarkMadeAfterItReadTheThreads()
    {
        var state = host.Services.GetRequiredService<PortalState>();
        var staleWatermark = state.OverdueWatermark();
        const string thread = "stale-run-thread";
        Assert.Equal((1, 0), state.SyncOverdue([(thread, Due, PortalApiFactory.Organization)], At, state.OverdueWatermark()));

        // The stale run read the threads before that mark existed, so its empty list says nothing about it.
        Assert.Equal(0, state.SyncOverdue([], At, staleWatermark).Resolved);
        Assert.Single(state.OpenOverdueMarks([thread]));

        Assert.Equal((0, 1), state.SyncOverdue([], At.AddHours(1), state.OverdueWatermark()));
        Assert.Empty(state.OpenOverdueMarks([thread]));
    }
}
