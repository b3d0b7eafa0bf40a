using System.Buffers;
using System.Reflection;
using System.Text.Json;
using Fhir.Server.Definitions;

namespace Fhir.Server.Features.Capabilities;

/// <summary>
/// The server's CapabilityStatement (https://hl7.org/fhir/R4/capabilitystatement.html), generated
/// from the loaded definitions and the interactions this server really implements. Features that
/// register more (search, operations) add to <see cref="CapabilityContributions"/>.
/// </summary>
public sealed class CapabilityStatementBuilder(FhirDefinitions definitions, CapabilityContributions contributions, IServiceProvider services)
{
    private bool Conditional => services.GetService(typeof(Search.IFhirSearch)) is not null;

    private byte[]? _cached;

    public static readonly string[] InstanceInteractions = ["read", "vread", "update", "patch", "delete", "history-instance"];
    public static readonly string[] TypeInteractions = ["create", "history-type"];

    public byte[] Render(string baseUrl)
    {
        var cached = _cached;
        if (cached is not null)
            return cached;
        cached = Build(baseUrl);
        _cached = cached;
        return cached;
    }

    private byte[] Build(string baseUrl)
    {
        var version = typeof(CapabilityStatementBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using (var w = new Utf8JsonWriter(buffer, FhirJson.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("resourceType", "CapabilityStatement");
            w.WriteString("status", "active");
            w.WriteString("date", FhirJson.FormatInstant(DateTimeOffset.UtcNow));
            w.WriteString("publisher", "Huisartsportaal");
            w.WriteString("kind", "instance");
            w.WriteStartObject("software");
            w.WriteString("name", "Huisartsportaal FHIR server");
            w.WriteString("version", version.Split('+')[0]);
            w.WriteEndObject();
            w.WriteStartObject("implementation");
            w.WriteString("description", "FHIR R4 server of the GP practice portal");
            w.WriteString("url", baseUrl);
            w.WriteEndObject();
            w.WriteString("fhirVersion", "4.0.1");
            WriteStrings(w, "format", ["json", "application/fhir+json"]);
            WriteStrings(w, "patchFormat", ["application/json-patch+json"]);
            w.WriteStartArray("rest");
            w.WriteStartObject();
            w.WriteString("mode", "server");
            contributions.WriteSecurity?.Invoke(w, baseUrl);
            w.WriteStartArray("resource");
            foreach (var type in definitions.ResourceTypes.Order(StringComparer.Ordinal))
                WriteResource(w, type);
            w.WriteEndArray();
            w.WriteStartArray("interaction");
            foreach (var code in contributions.SystemInteractions.Prepend("history-system").Prepend("batch").Prepend("transaction"))
            {
                w.WriteStartObject();
                w.WriteString("code", code);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            WriteOperations(w, contributions.SystemOperations);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private void WriteResource(Utf8JsonWriter w, string type)
    {
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteString("profile", $"http://hl7.org/fhir/StructureDefinition/{type}");
        w.WriteStartArray("interaction");
        foreach (var code in InstanceInteractions.Concat(TypeInteractions).Concat(contributions.TypeInteractions))
        {
            w.WriteStartObject();
            w.WriteString("code", code);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("versioning", "versioned-update");
        w.WriteBoolean("readHistory", true);
        w.WriteBoolean("updateCreate", true);
        w.WriteBoolean("conditionalCreate", Conditional);
        w.WriteString("conditionalRead", "full-support");
        w.WriteBoolean("conditionalUpdate", Conditional);
        w.WriteString("conditionalDelete", Conditional ? "single" : "not-supported");
        contributions.WriteSearchParameters?.Invoke(w, type);
        WriteOperations(w, contributions.TypeOperations.Prepend(("validate", "http://hl7.org/fhir/OperationDefinition/Resource-validate")));
        w.WriteEndObject();
    }

    private static void WriteOperations(Utf8JsonWriter w, IEnumerable<(string Name, string Definition)> operations)
    {
        var list = operations.ToList();
        if (list.Count == 0)
            return;
        w.WriteStartArray("operation");
        foreach (var (name, definition) in list)
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("definition", definition);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
            w.WriteStringValue(v);
        w.WriteEndArray();
    }
}

/// <summary>What other features (search, bundles, security) add to the CapabilityStatement.</summary>
public sealed class CapabilityContributions
{
    public List<string> TypeInteractions { get; } = [];
    public List<string> SystemInteractions { get; } = [];
    public List<(string Name, string Definition)> TypeOperations { get; } = [];
    public List<(string Name, string Definition)> SystemOperations { get; } = [];
    public Action<Utf8JsonWriter, string>? WriteSearchParameters { get; set; }
    public Action<Utf8JsonWriter, string>? WriteSecurity { get; set; }
}
