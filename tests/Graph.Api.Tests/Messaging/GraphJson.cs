using System.Text.Json;

namespace Graph.Api.Tests.Messaging;

internal static class GraphJson
{
    public static JsonElement Data(this JsonElement response, string field)
    {
        Assert.False(response.TryGetProperty("errors", out var errors), errors.ToString());
        return response.GetProperty("data").GetProperty(field);
    }

    public static JsonElement Error(this JsonElement response)
    {
        Assert.True(response.TryGetProperty("errors", out var errors), response.ToString());
        return errors[0];
    }

    public static string Code(this JsonElement error) => error.GetProperty("extensions").GetProperty("code").GetString()!;

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;

    public static List<JsonElement> Nodes(this JsonElement connection) => connection.GetProperty("nodes").EnumerateArray().ToList();
}
