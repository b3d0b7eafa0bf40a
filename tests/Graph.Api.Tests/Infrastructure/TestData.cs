using System.Globalization;
using System.Text;
using Fhir.Server.Features.Resources;
using Graph.Api.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace Graph.Api.Tests.Infrastructure;

/// <summary>Writes FHIR resources straight through the resource service, as a HIS or the demo seed would, for states the API cannot reach at a chosen time.</summary>
public static class TestData
{
    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static async Task<string> CreateAsync(PortalApiFactory host, string type, string json) =>
        (await host.Services.GetRequiredService<ResourceService>().CreateAsync(type, Encoding.UTF8.GetBytes(json))).Resource.Id;

    /// <summary>A patient's question sent at <paramref name="sent"/>, in progress unless <paramref name="handledWithoutReply"/>.</summary>
    public static Task<string> QuestionAsync(PortalApiFactory host, string patient, DateTimeOffset sent, string topic,
        string recipient = "Practitioner/huisarts-jansen", bool handledWithoutReply = false)
    {
        var status = handledWithoutReply
            ? $"\"status\":\"completed\",\"statusReason\":{{\"coding\":[{{\"system\":\"{KnownEConsult.StatusReasonSystem}\",\"code\":\"{KnownEConsult.HandledWithoutReply}\"}}]}}"
            : "\"status\":\"in-progress\"";
        return CreateAsync(host, "Communication", $$"""
            {"resourceType":"Communication","meta":{"profile":["{{KnownEConsult.Profile}}"]},{{status}},
             "category":[{"coding":[{"system":"{{KnownEConsult.CategorySystem}}","code":"e-consult"}]},{"coding":[{"system":"{{KnownEConsult.CategorySystem}}","code":"medisch"}]}],
             "subject":{"reference":"Patient/{{patient}}"},"topic":{"text":"{{topic}}"},
             "sent":"{{Time(sent)}}","sender":{"reference":"Patient/{{patient}}"},
             "recipient":[{"reference":"{{recipient}}"}],"payload":[{"contentString":"Vraag: {{topic}}"}]}
            """);
    }

    /// <summary>A practice answer to <paramref name="question"/> sent at <paramref name="sent"/>, as a HIS posts it.</summary>
    public static Task<string> AnswerAsync(PortalApiFactory host, string patient, string question, DateTimeOffset sent, string sender = "Practitioner/huisarts-jansen") =>
        CreateAsync(host, "Communication", $$"""
        {"resourceType":"Communication","meta":{"profile":["{{KnownEConsult.Profile}}"]},"status":"completed",
         "category":[{"coding":[{"system":"{{KnownEConsult.CategorySystem}}","code":"e-consult"}]}],
         "subject":{"reference":"Patient/{{patient}}"},"inResponseTo":[{"reference":"Communication/{{question}}"}],
         "sent":"{{Time(sent)}}","sender":{"reference":"{{sender}}"},
         "recipient":[{"reference":"Patient/{{patient}}"}],"payload":[{"contentString":"Antwoord"}]}
        """);

    /// <summary>A patient of the demo practice with this birth date (no BSN), for age rules.</summary>
    public static Task<string> ChildAsync(PortalApiFactory host, string given, NodaTime.LocalDate birthDate) => CreateAsync(host, "Patient", $$"""
        {"resourceType":"Patient","active":true,"name":[{"family":"de Jong","given":["{{given}}"]}],"gender":"other",
         "birthDate":"{{birthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}}",
         "managingOrganization":{"reference":"Organization/{{PortalApiFactory.Organization}}"},
         "generalPractitioner":[{"reference":"Practitioner/huisarts-de-vries"}]}
        """);
}

/// <summary>A clock the test sets by hand.</summary>
public sealed class SetTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
