using Fhir.Server.Search.Extraction;
using Fhir.Server.Search.Indexing;
using Fhir.Server.Search.Query;
using Fhir.Server.Store;
using Microsoft.Extensions.DependencyInjection;

namespace Fhir.Server.Search;

public static class SearchExtensions
{
    /// <summary>Search: the index written on every change, the query engine and <see cref="IFhirSearch"/>.</summary>
    public static IServiceCollection AddFhirSearch(this IServiceCollection services)
    {
        services.AddSingleton(sp => new SearchValueExtractor(sp.GetRequiredService<Definitions.FhirDefinitions>()));
        services.AddSingleton<SearchParameterRegistry>();
        services.AddSingleton<SearchIndexer>();
        services.AddSingleton<IResourceIndexer>(sp => sp.GetRequiredService<SearchIndexer>());
        services.AddSingleton<PendingReferences>();
        services.AddHostedService(sp => sp.GetRequiredService<PendingReferences>());
        services.AddSingleton<ReferenceDateIndex>();
        services.AddSingleton<Reindexer>();
        services.AddSingleton<SearchExecutor>();
        services.AddSingleton<SearchBundleWriter>();
        services.AddSingleton<FhirSearch>();
        services.AddSingleton<IFhirSearch>(sp => sp.GetRequiredService<FhirSearch>());
        return services;
    }
}
