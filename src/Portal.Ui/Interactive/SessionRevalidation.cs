using Identity.OAuth;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Logging;
using Portal.Ui.Session;

namespace Portal.Ui.Interactive;

/// <summary>
/// The signed-in person inside an interactive component's circuit. The circuit starts with the cookie
/// session's principal (so PortalGraph calls GraphQL as that person); a circuit can outlive the request,
/// so the session is checked again every minute the way the cookie is on each request
/// (<see cref="PortalSession.StillValid"/>: no disabled account, "logout everywhere" or new password since the login).
/// </summary>
internal sealed class SessionRevalidation(ILoggerFactory loggers, Revocations revocations) : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken cancellationToken) =>
        Task.FromResult(state.User.Identity?.IsAuthenticated != true || PortalSession.StillValid(state.User, revocations));
}
