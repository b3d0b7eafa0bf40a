using System.ComponentModel.DataAnnotations;
using Fhir.Server;
using Fhir.Server.Store;
using Fhir.Server.Store.Sqlite;
using Microsoft.Extensions.Options;

namespace Portal.Host.Configuration;

/// <summary>
/// Checks the configuration before anything starts, so that a wrong value stops the host with one
/// sentence naming the setting instead of a stack trace later on.
/// </summary>
public static class StartupChecks
{
    public static void Validate(IConfiguration configuration)
    {
        var portal = Bind<PortalOptions>(configuration, PortalOptions.Section);
        _ = portal.ParsedRoles;
        TrustedProxies.Parse(portal.TrustedProxies);
        Bind<DemoOptions>(configuration, DemoOptions.Section);
        Bind<FhirServerOptions>(configuration, FhirServerOptions.Section);
        var identity = Bind<Identity.IdentityServerOptions>(configuration, Identity.IdentityServerOptions.Section);
        if (Identity.IdentityOptionsValidator.Problems(identity) is { Count: > 0 } identityProblems)
            throw new PortalConfigurationException(string.Join("; ", identityProblems));
        var storage = Bind<StorageOptions>(configuration, StorageOptions.Section);
        if (storage.Provider != StorageProvider.Sqlite)
            throw new PortalConfigurationException($"Storage:Provider={storage.Provider} is not available in this version; use Sqlite");
        var connectionString = configuration.GetConnectionString("Portal");
        if (connectionString is not null && string.IsNullOrWhiteSpace(connectionString))
            throw new PortalConfigurationException("ConnectionStrings:Portal is empty");
        SqliteConnectionStrings.Probe(connectionString ?? storage.ConnectionString);
    }

    /// <summary>Failures that mean "the configuration is wrong", as opposed to bugs.</summary>
    public static string? Describe(Exception ex) => ex switch
    {
        PortalConfigurationException or StorageConfigurationException => ex.Message,
        OptionsValidationException ove => string.Join("; ", ove.Failures),
        AggregateException { InnerExceptions.Count: 1 } agg => Describe(agg.InnerException!),
        _ when ex.InnerException is not null && Describe(ex.InnerException) is { } inner => inner,
        _ => null,
    };

    private static T Bind<T>(IConfiguration configuration, string section) where T : new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            throw new PortalConfigurationException(BinderMessage(section, ex));
        }
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            throw new PortalConfigurationException(string.Join("; ", results.Select(r =>
                $"{section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}")));
        }
        return options;
    }

    private static string BinderMessage(string section, InvalidOperationException ex)
    {
        // The binder says "Failed to convert configuration value 'x' at 'Section:Key' to type 'T'."
        var message = ex.Message;
        var allowed = ex.InnerException?.Message;
        return allowed is null ? $"{section}: {message}" : $"{message} ({allowed})";
    }
}
