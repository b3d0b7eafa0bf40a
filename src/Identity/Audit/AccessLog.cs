using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Fhir.Server.Features.Resources;
using Fhir.Server.Store;
using Identity.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Identity.Audit;

/// <summary>One access to patient data, as NEN 7513 wants it logged.</summary>
public sealed record AccessLogEntry(
    DateTimeOffset When,
    string Action,
    string Interaction,
    string? ResourceReference,
    IReadOnlyCollection<string> Patients,
    string Who,
    string? WhoReference,
    string? Role,
    string? Organization,
    string? OnBehalfOf,
    string? ClientId);

/// <summary>
/// The access log (NEN 7513): every allowed access to patient data becomes a FHIR AuditEvent, written
/// through the resource service in batches off the request path (up to 512 per transaction) and flushed
/// when the host stops. What is still queued when the process is killed (-9, power loss) is lost:
/// what accumulated since the last batch committed, normally well under a second. The queue holds at
/// most <see cref="Capacity"/> events; when the writer falls that far behind, requests wait for it
/// rather than go unlogged, which also caps the loss window.
/// https://hl7.org/fhir/R4/auditevent.html
/// </summary>
public sealed class AccessLog(ResourceService resources, IResourceStore store, ILogger<AccessLog> logger) : BackgroundService
{
    private const int BatchSize = 512;
    public const int Capacity = 20_000;

    private readonly Channel<AccessLogEntry> _queue = Channel.CreateBounded<AccessLogEntry>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public ValueTask RecordAsync(AccessLogEntry entry, CancellationToken ct = default) =>
        _queue.Writer.TryWrite(entry) ? ValueTask.CompletedTask : _queue.Writer.WriteAsync(entry, ct);

    /// <summary>Writes everything queued so far (tests call this to see their events).</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        var batch = new List<AccessLogEntry>();
        while (_queue.Reader.TryRead(out var entry))
        {
            batch.Add(entry);
            if (batch.Count == BatchSize)
            {
                await WriteAsync(batch, ct);
                batch.Clear();
            }
        }
        if (batch.Count > 0)
            await WriteAsync(batch, ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
                await FlushAsync(CancellationToken.None);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(CancellationToken.None);
    }

    private async Task WriteAsync(List<AccessLogEntry> batch, CancellationToken ct)
    {
        var documents = batch.Select(e => (Entry: e, Doc: JsonDocument.Parse(Render(e).ToJsonString()))).ToList();
        try
        {
            await store.WriteAsync(session =>
            {
                foreach (var (entry, doc) in documents)
                {
                    var stored = resources.CreateIn(session, resources.Validate(doc.RootElement, "AuditEvent"));
                    foreach (var patient in entry.Patients)
                    {
                        using var command = session.Connection.CreateCommand();
                        command.CommandText = "INSERT INTO identity_access_log (audit_id, patient_id, recorded_utc, who, action) VALUES (@a, @p, @t, @w, @x)";
                        Add(command, "@a", stored.Id + (entry.Patients.Count > 1 ? "|" + patient : ""));
                        Add(command, "@p", patient);
                        Add(command, "@t", IdentityDb.Time(entry.When));
                        Add(command, "@w", entry.Who);
                        Add(command, "@x", entry.Interaction);
                        command.ExecuteNonQuery();
                    }
                }
                return 0;
            }, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not write {Count} access log events", batch.Count);
        }
        finally
        {
            foreach (var (_, doc) in documents)
                doc.Dispose();
        }
    }

    private static void Add(System.Data.Common.DbCommand command, string name, object? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        command.Parameters.Add(p);
    }

    public static JsonObject Render(AccessLogEntry e)
    {
        var requestor = new JsonObject
        {
            ["type"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject
            {
                ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", ["code"] = "IRCP", ["display"] = "information recipient",
            }) },
            ["who"] = e.WhoReference is { } r ? new JsonObject { ["reference"] = r, ["display"] = e.Who } : new JsonObject { ["display"] = e.Who },
            ["altId"] = e.Who,
            ["requestor"] = true,
        };
        if (e.Role is { } role)
            requestor["role"] = new JsonArray(new JsonObject { ["text"] = role });
        var agents = new JsonArray(requestor);
        if (e.OnBehalfOf is { } behalf)
            agents.Add(new JsonObject { ["type"] = new JsonObject { ["text"] = "namens (vertegenwoordigde)" }, ["who"] = new JsonObject { ["reference"] = behalf }, ["requestor"] = false });
        if (e.ClientId is { } client)
            agents.Add(new JsonObject
            {
                ["type"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://dicom.nema.org/resources/ontology/DCM", ["code"] = "110150", ["display"] = "Application" }) },
                ["who"] = new JsonObject { ["identifier"] = new JsonObject { ["system"] = "urn:ietf:params:oauth:client-id", ["value"] = client } },
                ["requestor"] = false,
            });
        var entities = new JsonArray();
        foreach (var patient in e.Patients)
            entities.Add(new JsonObject
            {
                ["what"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
                ["type"] = new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/audit-entity-type", ["code"] = "1", ["display"] = "Person" },
                ["role"] = new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/object-role", ["code"] = "1", ["display"] = "Patient" },
            });
        if (e.ResourceReference is { } what)
            entities.Add(new JsonObject
            {
                ["what"] = new JsonObject { ["reference"] = what },
                ["type"] = new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/audit-entity-type", ["code"] = "2", ["display"] = "System Object" },
            });
        var source = new JsonObject
        {
            ["observer"] = new JsonObject { ["display"] = "Huisartsportaal FHIR-server" },
            ["type"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/security-source-type", ["code"] = "4", ["display"] = "Application Server" }),
        };
        if (e.Organization is { } org)
            source["site"] = $"Organization/{org}";
        return new JsonObject
        {
            ["resourceType"] = "AuditEvent",
            ["type"] = new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/audit-event-type", ["code"] = "rest", ["display"] = "RESTful Operation" },
            ["subtype"] = new JsonArray(new JsonObject { ["system"] = "http://hl7.org/fhir/restful-interaction", ["code"] = e.Interaction }),
            ["action"] = e.Action,
            ["recorded"] = e.When.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
            ["outcome"] = "0",
            ["agent"] = agents,
            ["source"] = source,
            ["entity"] = entities,
        };
    }

    /// <summary>Who accessed a patient's record, newest first (for the patient's own "wie heeft mijn dossier bekeken").</summary>
    public static IReadOnlyList<(string AuditId, DateTimeOffset When, string Who, string Action)> For(IdentityDb db, string patientId, int limit = 200) =>
        db.Query("SELECT audit_id, recorded_utc, who, action FROM identity_access_log WHERE patient_id = @p ORDER BY recorded_utc DESC LIMIT @n",
            (SqliteDataReader r) => (r.GetString(0).Split('|')[0], IdentityDb.ParseTime(r.GetString(1)), r.GetString(2), r.GetString(3)),
            ("@p", patientId), ("@n", limit));
}
