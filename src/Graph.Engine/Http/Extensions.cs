using Graph.Engine.Execution;
using Graph.Engine.Types;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Graph.Engine.Http;

public static class Extensions
{
    /// <summary>Registers the schema (built once, at first use) and its executor as singletons.</summary>
    public static IServiceCollection AddGraphEngine(this IServiceCollection services, Func<IServiceProvider, Schema> schema, Action<GraphEngineOptions>? configure = null)
    {
        var options = new GraphEngineOptions();
        configure?.Invoke(options);
        services.AddSingleton(options);
        services.AddSingleton(sp => new GraphExecutor(schema(sp), options));
        return services;
    }

    /// <summary>Maps an endpoint for a specific executor (hosts serving more than one schema).</summary>
    public static IEndpointConventionBuilder MapGraphQL(this IEndpointRouteBuilder endpoints, string pattern, GraphExecutor executor, Action<GraphEndpointOptions>? configure = null)
    {
        var options = new GraphEndpointOptions();
        configure?.Invoke(options);
        var handler = new GraphQLHttpHandler(executor, options);
        return endpoints.Map(pattern, handler.HandleAsync);
    }

    /// <summary>
    /// Maps a GraphQL-over-HTTP endpoint (GET and POST) at <paramref name="pattern"/>. The schema is built here,
    /// at start-up, so an invalid schema or binding stops the host with a <see cref="SchemaException"/>.
    /// </summary>
    public static IEndpointConventionBuilder MapGraphQL(this IEndpointRouteBuilder endpoints, string pattern = "/graphql", Action<GraphEndpointOptions>? configure = null) =>
        endpoints.MapGraphQL(pattern, endpoints.ServiceProvider.GetRequiredService<GraphExecutor>(), configure);
}
