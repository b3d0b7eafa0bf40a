using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fhir.Server.Features.Outcomes;

namespace Fhir.Server.Features.Resources;

/// <summary>
/// JSON Patch, RFC 6902 (https://www.rfc-editor.org/rfc/rfc6902), as FHIR uses it for PATCH
/// (https://hl7.org/fhir/R4/http.html#patch). A malformed patch document is a 400; a patch that
/// cannot be applied (missing path, failed test) is a 422.
/// </summary>
public sealed class JsonPatch
{
    private readonly IReadOnlyList<Operation> _operations;

    private JsonPatch(IReadOnlyList<Operation> operations) => _operations = operations;

    private sealed record Operation(int Index, string Op, string[] Path, string[]? From, JsonNode? Value, bool HasValue);

    public static JsonPatch Parse(ReadOnlyMemory<byte> body)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body.Span, documentOptions: FhirJson.DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new FhirException(400, IssueCodes.Structure, $"The JSON Patch document is not valid JSON: {ex.Message}");
        }
        if (root is not JsonArray array)
            throw FhirException.BadRequest("A JSON Patch document must be a JSON array of operations");
        var operations = new List<Operation>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject op)
                throw FhirException.BadRequest($"Patch operation {i} is not a JSON object");
            var name = Text(op, "op", i);
            var path = Pointer(Text(op, "path", i), i);
            string[]? from = null;
            var hasValue = op.TryGetPropertyValue("value", out var value);
            switch (name)
            {
                case "add" or "replace" or "test":
                    if (!hasValue)
                        throw FhirException.BadRequest($"Patch operation {i} ({name}) has no value");
                    break;
                case "move" or "copy":
                    from = Pointer(Text(op, "from", i), i);
                    break;
                case "remove":
                    break;
                default:
                    throw FhirException.BadRequest($"Patch operation {i} has unknown op '{name}'");
            }
            operations.Add(new Operation(i, name, path, from, value?.DeepClone(), hasValue));
        }
        return new JsonPatch(operations);
    }

    /// <summary>Applies all operations to a copy of <paramref name="json"/>; all or nothing.</summary>
    public byte[] ApplyTo(byte[] json)
    {
        JsonNode? document = JsonNode.Parse(json, documentOptions: FhirJson.DocumentOptions);
        foreach (var op in _operations)
            document = Apply(document, op);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, FhirJson.WriterOptions))
        {
            if (document is null)
                writer.WriteNullValue();
            else
                document.WriteTo(writer);
        }
        return buffer.ToArray();
    }

    private static JsonNode? Apply(JsonNode? document, Operation op)
    {
        switch (op.Op)
        {
            case "add":
                return Add(document, op.Path, op.Value?.DeepClone(), op);
            case "remove":
                Remove(document, op.Path, op);
                return document;
            case "replace":
                Remove(document, op.Path, op);
                return Add(document, op.Path, op.Value?.DeepClone(), op);
            case "move":
            {
                if (IsPrefix(op.From!, op.Path) && op.From!.Length < op.Path.Length)
                    throw Fail(op, "cannot move a value into one of its own children");
                var value = Get(document, op.From!, op);
                Remove(document, op.From!, op);
                return Add(document, op.Path, value, op);
            }
            case "copy":
                return Add(document, op.Path, Get(document, op.From!, op)?.DeepClone(), op);
            case "test":
                if (!JsonNode.DeepEquals(Get(document, op.Path, op), op.Value))
                    throw Fail(op, "test failed: the value differs");
                return document;
            default:
                throw Fail(op, "unknown operation");
        }
    }

    private static JsonNode? Add(JsonNode? document, string[] path, JsonNode? value, Operation op)
    {
        if (path.Length == 0)
            return value;
        var parent = Get(document, path[..^1], op);
        var key = path[^1];
        switch (parent)
        {
            case JsonObject obj:
                obj.Remove(key);
                obj[key] = value;
                break;
            case JsonArray arr:
                if (key == "-")
                {
                    arr.Add(value);
                    break;
                }
                var index = ArrayIndex(key, arr.Count, allowEnd: true, op);
                arr.Insert(index, value);
                break;
            default:
                throw Fail(op, $"the parent of '{Render(path)}' is not an object or array");
        }
        return document;
    }

    private static void Remove(JsonNode? document, string[] path, Operation op)
    {
        if (path.Length == 0)
            throw Fail(op, "cannot remove the whole resource");
        var parent = Get(document, path[..^1], op);
        var key = path[^1];
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(key):
                obj.Remove(key);
                break;
            case JsonArray arr:
                arr.RemoveAt(ArrayIndex(key, arr.Count, allowEnd: false, op));
                break;
            default:
                throw Fail(op, $"path '{Render(path)}' does not exist");
        }
    }

    private static JsonNode? Get(JsonNode? document, string[] path, Operation op)
    {
        var node = document;
        foreach (var key in path)
        {
            node = node switch
            {
                JsonObject obj when obj.TryGetPropertyValue(key, out var child) => child,
                JsonArray arr => arr[ArrayIndex(key, arr.Count, allowEnd: false, op)],
                _ => throw Fail(op, $"path '{Render(path)}' does not exist"),
            };
        }
        return node;
    }

    private static int ArrayIndex(string key, int count, bool allowEnd, Operation op)
    {
        if (key.Length == 0 || (key.Length > 1 && key[0] == '0')
            || !int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            throw Fail(op, $"'{key}' is not an array index");
        if (index > count || (!allowEnd && index == count))
            throw Fail(op, $"array index {index} is out of range");
        return index;
    }

    private static bool IsPrefix(string[] prefix, string[] path) =>
        prefix.Length <= path.Length && prefix.AsSpan().SequenceEqual(path.AsSpan(0, prefix.Length));

    private static string Text(JsonObject op, string name, int index) =>
        op.TryGetPropertyValue(name, out var node) && node is JsonValue v && v.TryGetValue<string>(out var s)
            ? s
            : throw FhirException.BadRequest($"Patch operation {index} has no '{name}' string");

    private static string[] Pointer(string pointer, int index)
    {
        if (pointer.Length == 0)
            return [];
        if (pointer[0] != '/')
            throw FhirException.BadRequest($"Patch operation {index}: '{pointer}' is not a JSON Pointer");
        return pointer[1..].Split('/').Select(s => s.Replace("~1", "/").Replace("~0", "~")).ToArray();
    }

    private static string Render(string[] path) => "/" + string.Join('/', path);

    private static FhirException Fail(Operation op, string why) =>
        new(422, IssueCodes.Processing, $"Patch operation {op.Index} ({op.Op}) cannot be applied: {why}");
}
