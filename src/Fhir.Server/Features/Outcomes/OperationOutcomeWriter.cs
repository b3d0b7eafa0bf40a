using System.Text.Json;

namespace Fhir.Server.Features.Outcomes;

public static class OperationOutcomeWriter
{
    public static byte[] Render(IEnumerable<OutcomeIssue> issues)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, FhirJson.WriterOptions))
            Write(writer, issues);
        return buffer.ToArray();
    }

    public static void Write(Utf8JsonWriter writer, IEnumerable<OutcomeIssue> issues)
    {
        writer.WriteStartObject();
        writer.WriteString("resourceType", "OperationOutcome");
        writer.WriteStartArray("issue");
        var any = false;
        foreach (var issue in issues)
        {
            any = true;
            writer.WriteStartObject();
            writer.WriteString("severity", issue.Severity);
            writer.WriteString("code", issue.Code);
            writer.WriteString("diagnostics", issue.Diagnostics);
            if (issue.Expression is not null)
            {
                writer.WriteStartArray("expression");
                writer.WriteStringValue(issue.Expression);
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        if (!any)
        {
            writer.WriteStartObject();
            writer.WriteString("severity", "information");
            writer.WriteString("code", IssueCodes.Informational);
            writer.WriteString("diagnostics", "All OK");
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
