using Fhir.Server.Definitions;
using Fhir.Server.Features.Bundles;
using Fhir.Server.Features.Capabilities;
using Fhir.Server.Features.Everything;
using Fhir.Server.Features.Resources;
using Fhir.Server.Features.Security;
using Fhir.Server.Rest;
using Fhir.Server.Search;
using Fhir.Server.Store;
using Fhir.Server.Store.Sqlite;
using Fhir.Server.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fhir.Server;

public static class Extensions
{
    /// <summary>The FHIR engine: definitions, validation, the store and the resource service.</summary>
    public static IServiceCollection AddFhirServer(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FhirServerOptions>().BindConfiguration(FhirServerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.Section)
            .Configure(o =>
            {
                var cs = configuration.GetConnectionString("Portal");
                if (!string.IsNullOrWhiteSpace(cs))
                    o.ConnectionString = cs;
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => FhirDefinitions.Default);
        services.AddSingleton<ResourceValidator>();
        services.AddSingleton<SchemaMigrator>();
        services.AddSingleton<SqliteResourceStore>();
        services.AddSingleton<IResourceStore>(sp =>
        {
            var provider = sp.GetRequiredService<IOptions<StorageOptions>>().Value.Provider;
            return provider switch
            {
                StorageProvider.Sqlite => sp.GetRequiredService<SqliteResourceStore>(),
                _ => throw new StorageConfigurationException(
                    $"Storage:Provider={provider} is not available in this version; use Sqlite"),
            };
        });
        services.AddSingleton<IStoreInitializer>(sp =>
        {
            _ = sp.GetRequiredService<IResourceStore>();
            return ActivatorUtilities.CreateInstance<SqliteStoreInitializer>(sp);
        });
        services.AddSingleton<ResourceService>();
        services.AddFhirSearch();
        services.AddSingleton<BundleProcessor>();
        services.TryAddSingleton<IFhirAccessPolicy, DenyAllAccessPolicy>();
        services.AddSingleton<CapabilityContributions>();
        services.AddSingleton<CapabilityStatementBuilder>();
        return services;
    }

    /// <summary>Maps /fhir with its error handling and content negotiation.</summary>
    public static WebApplication MapFhirServer(this WebApplication app)
    {
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(FhirEndpoints.Prefix),
            branch => branch.UseMiddleware<FhirErrorMiddleware>().Use(static (context, next) =>
            {
                FhirRequest.EnsureJsonAcceptable(context);
                return next(context);
            }));
        app.MapFhirRest().MapFhirSearch().MapFhirEverything();
        return app;
    }

    /// <summary>Creates or upgrades the schema before the host serves anything.</summary>
    public static void InitializeFhirStore(this IServiceProvider services, IEnumerable<SchemaMigrator.Script>? extraScripts = null)
    {
        services.GetRequiredService<IStoreInitializer>().Initialize(extraScripts ?? []);
        if (services.GetService<SqliteResourceStore>() is { } sqlite)
        {
            var loggers = services.GetRequiredService<ILoggerFactory>();
            Search.Indexing.AuditFileMove.Run(sqlite, services.GetRequiredService<Search.Indexing.SearchIndexer>(), loggers.CreateLogger(typeof(Search.Indexing.AuditFileMove)));
            Search.Indexing.ReferenceAliases.DropOwnRows(sqlite, loggers.CreateLogger(typeof(Search.Indexing.ReferenceAliases)));
        }
        services.GetRequiredService<Search.Indexing.ReferenceDateIndex>().Backfill();
        if (services.GetService<SqliteResourceStore>() is not null)
            services.GetRequiredService<Search.Indexing.Reindexer>().BackfillContained();
    }
}
