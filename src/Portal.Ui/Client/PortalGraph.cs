using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Graph.Engine.Execution;
using Graph.Engine.Types;
using Microsoft.AspNetCore.Components.Authorization;

namespace Portal.Ui.Client;

/// <summary>One error of a GraphQL answer as the UI shows it: a Dutch message, its code and the input field it belongs to (if any).</summary>
public sealed record GraphProblem(string Message, string Code, string? Field);

/// <summary>The answer to one GraphQL operation: the data (when there is any) and the problems.</summary>
public sealed class GraphResult<T>
{
    public T? Data { get; init; }
    public IReadOnlyList<GraphProblem> Problems { get; init; } = [];
    public bool Ok => Problems.Count == 0 && Data is not null;

    /// <summary>The message for one input field, for showing next to it.</summary>
    public string? For(string field) => Problems.FirstOrDefault(p => p.Field == field)?.Message;

    /// <summary>Problems that belong to no field in <paramref name="shownAtFields"/>, for the message above the form.</summary>
    public IEnumerable<GraphProblem> General(params string[] shownAtFields) => Problems.Where(p => p.Field is null || !shownAtFields.Contains(p.Field));
}

/// <summary>
/// The UI's only way to the portal API: the host's GraphQL executor, in process, with the signed-in
/// person's claims, so every field is authorised by the same access policy as an API client's request.
/// Operations live as strings beside the pages that use them; answers are read into small records.
/// </summary>
public sealed class PortalGraph(GraphExecutor executor, AuthenticationStateProvider authentication, IServiceProvider services)
{
    public const string GenericError = "Er ging iets mis bij het ophalen van de gegevens. Probeer het later opnieuw of neem contact op met de praktijk.";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper) },
    };

    /// <summary>Runs a query or mutation as the current user and reads <c>data</c> into <typeparamref name="T"/>.</summary>
    public async Task<GraphResult<T>> RunAsync<T>(string operation, object? variables = null, CancellationToken ct = default) where T : class
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        return await RunAsAsync<T>(user, operation, variables, ct);
    }

    /// <summary>
    /// As <see cref="RunAsync{T}(string, object?, CancellationToken)"/>, with request items for the resolvers,
    /// e.g. the visitor's address for a per-visitor rate limit (the executor sees no HTTP request of its own).
    /// </summary>
    public async Task<GraphResult<T>> RunAsync<T>(string operation, object? variables, IReadOnlyDictionary<string, object?> items, CancellationToken ct = default) where T : class
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        return await RunAsAsync<T>(user, operation, variables, ct, items);
    }

    internal async Task<GraphResult<T>> RunAsAsync<T>(ClaimsPrincipal user, string operation, object? variables, CancellationToken ct,
        IReadOnlyDictionary<string, object?>? items = null) where T : class
    {
        var request = new GraphRequest
        {
            Query = operation,
            Variables = variables is null ? null : InputCoercion.FromJsonObject(JsonSerializer.SerializeToElement(variables, Json)),
        };
        var context = new RequestContext { User = user, Services = services, CancellationToken = ct };
        foreach (var (key, value) in items ?? new Dictionary<string, object?>())
            context.Items[key] = value;
        var result = await executor.ExecuteAsync(request, context);
        using var answer = JsonDocument.Parse(ResultSerializer.ToUtf8Bytes(result));
        var problems = answer.RootElement.TryGetProperty("errors", out var errors) ? errors.EnumerateArray().Select(Problem).ToList() : [];
        T? data = null;
        if (answer.RootElement.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object && problems.Count == 0)
            data = d.Deserialize<T>(Json);
        return new GraphResult<T> { Data = data, Problems = problems };
    }

    /// <summary>
    /// Resolver errors of the portal API carry Dutch messages meant for people (and extensions.field for
    /// input); anything else (a failed document, an internal error) is a fault of ours and gets a general
    /// Dutch sentence instead of the engine's English.
    /// </summary>
    private static GraphProblem Problem(JsonElement error)
    {
        var code = error.TryGetProperty("extensions", out var ext) && ext.TryGetProperty("code", out var c) ? c.GetString() ?? "" : "";
        var field = ext.ValueKind == JsonValueKind.Object && ext.TryGetProperty("field", out var f) ? f.GetString() : null;
        var fromResolver = error.TryGetProperty("path", out var path) && path.ValueKind == JsonValueKind.Array;
        var message = fromResolver && code is not (ErrorCodes.InternalError or ErrorCodes.ResolverError or ErrorCodes.NonNullViolation or ErrorCodes.Timeout)
            ? error.GetProperty("message").GetString() ?? GenericError
            : GenericError;
        field ??= code switch
        {
            "ATTACHMENT_REJECTED" => "attachments",
            _ => null,
        };
        return new GraphProblem(message, code, field);
    }
}
