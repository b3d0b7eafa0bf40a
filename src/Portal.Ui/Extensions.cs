using System.Globalization;
using Identity.Accounts;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Ui.Components;
using Portal.Ui.Components.Pages.Accounts;
using Portal.Ui.Components.Pages.Appointments;
using Portal.Ui.Components.Pages.Messages;
using Portal.Ui.Components.Pages.Notes;
using Portal.Ui.Components.Pages.Practice;
using Portal.Ui.Components.Pages.PracticeAgenda;
using Portal.Ui.Components.Pages.Record;
using Portal.Ui.Client;
using Portal.Ui.Interactive;
using Portal.Ui.Navigation;
using Portal.Ui.Session;
using Radzen;

namespace Portal.Ui;

public static class Extensions
{
    /// <summary>Paths that belong to the APIs and the authorization server: the portal's cookie never authenticates them.</summary>
    private static readonly string[] ApiPrefixes = ["/fhir", "/graphql", "/auth", "/account", "/health", "/.well-known"];

    /// <summary>
    /// The Dutch web portal: Blazor components rendered on the server with plain HTML forms (no JavaScript
    /// needed), a cookie session, pages per area and the GraphQL client.
    /// </summary>
    public static WebApplicationBuilder AddPortalUi(this WebApplicationBuilder builder)
    {
        // Serve the library's files (portal.css) from the build output too, not only when published.
        builder.WebHost.UseStaticWebAssets();
        var services = builder.Services;
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, SessionRevalidation>();
        services.AddRadzenComponents();
        services.AddAuthentication(PortalSession.Scheme).AddCookie(PortalSession.Scheme, PortalSession.Configure);
        services.AddAuthorizationBuilder()
            .AddPolicy(PortalUsers.PatientPolicy, p => p.AddAuthenticationSchemes(PortalSession.Scheme).RequireAuthenticatedUser()
                .RequireAssertion(c => PortalUsers.IsPatient(c.User)))
            .AddPolicy(PortalUsers.CareStaffPolicy, p => p.AddAuthenticationSchemes(PortalSession.Scheme).RequireAuthenticatedUser()
                .RequireAssertion(c => PortalUsers.IsCareStaff(c.User)))
            .AddPolicy(PortalUsers.StaffPolicy, p => p.AddAuthenticationSchemes(PortalSession.Scheme).RequireAuthenticatedUser()
                .RequireAssertion(c => PortalUsers.IsStaff(c.User)));
        // The cookies use the key ring the host registers for every instance (AddPortalKeyRing).
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "portal.af";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddScoped<PortalGraph>();
        services.AddScoped<LoginFlow>();
        services.AddMessagesArea();
        services.AddPracticeArea();
        services.AddAccountsArea();
        services.AddAppointmentsArea();
        services.AddPracticeAgendaArea();
        services.AddRecordArea();
        services.AddNotesArea();
        return builder;
    }

    public static WebApplication MapPortalUi(this WebApplication app)
    {
        var dutch = new CultureInfo("nl-NL");
        app.UseRequestLocalization(new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(dutch),
            SupportedCultures = [dutch],
            SupportedUICultures = [dutch],
            RequestCultureProviders = [],
        });
        app.UseWhen(context => !IsApi(context.Request.Path), branch =>
        {
            branch.Use((context, next) =>
            {
                // The portal's pages run no script at all (anything injected would not run either), except the
                // interactive ones, which load only the framework's and Radzen's script files (InteractivePages).
                context.Response.Headers.ContentSecurityPolicy = InteractivePages.ContentSecurityPolicy(context);
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.Headers["Referrer-Policy"] = "same-origin";
                return next(context);
            });
            branch.UseAuthentication();
        });
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapBlazorScript();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapSessionEndpoints();
        app.MapAttachmentEndpoint();
        app.MapCalendarFileEndpoint();
        return app;
    }

    /// <summary>
    /// The Data Protection key ring of every instance, whatever its roles: it encrypts the session cookie and the
    /// patients' private notes (Graph.Api Notes/), so an instance without the UI must still use the shared keys.
    /// </summary>
    public static IServiceCollection AddPortalKeyRing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDataProtection().SetApplicationName("Huisartsportaal").PersistKeysToFileSystem(new DirectoryInfo(KeysFolder(configuration)));
        return services;
    }

    /// <summary>
    /// Where the keys that encrypt session cookies and private notes live (PortalUi:KeysPath), by default beside the database
    /// file, so sessions survive a restart. Instances that share a database must share this folder too.
    /// </summary>
    private static string KeysFolder(IConfiguration configuration)
    {
        if (configuration["PortalUi:KeysPath"] is { Length: > 0 } configured)
            return Path.GetFullPath(configured);
        var source = new SqliteConnectionStringBuilder(configuration.GetConnectionString("Portal") ?? "Data Source=./data/portal.db").DataSource;
        var folder = source is { Length: > 0 } && source != ":memory:" ? Path.GetDirectoryName(Path.GetFullPath(source)) : null;
        return Path.Combine(folder ?? Path.GetFullPath("./data"), "keys");
    }

    private static bool IsApi(PathString path) => ApiPrefixes.Any(p => path.StartsWithSegments(p));

    /// <summary>Logout (this browser) and logout everywhere (every session and token of the account), both POST with antiforgery.</summary>
    private static void MapSessionEndpoints(this WebApplication app)
    {
        app.MapPost("/uitloggen", async (HttpContext http) =>
        {
            await http.SignOutAsync(PortalSession.Scheme);
            return Results.LocalRedirect("/inloggen?uitgelogd=1");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute());
        app.MapPost("/uitloggen/overal", async (HttpContext http, AccountService accounts) =>
        {
            if (http.User.FindFirst("sub")?.Value is { } account && http.User.Identity?.AuthenticationType == PortalSession.Scheme)
                accounts.LogoutEverywhere(account);
            await http.SignOutAsync(PortalSession.Scheme);
            return Results.LocalRedirect("/inloggen?uitgelogd=overal");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute());
    }
}
