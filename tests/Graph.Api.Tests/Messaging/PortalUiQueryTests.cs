using Graph.Api.Tests.Infrastructure;
using static Graph.Api.Tests.Infrastructure.PortalApiFactory;

namespace Graph.Api.Tests.Messaging;

/// <summary>Fields the web portal's screens need: the practitioners to assign to, a conversation's subject in lists.</summary>
public sealed class PortalUiQueryTests(PortalApiFactory host) : IClassFixture<PortalApiFactory>
{
    [Fact]
    public async Task Practitioners_ForStaff_ListsGpsAndGroupsOfOwnPractice()
    {
        var list = (await host.GraphAsync(Staff("assistent-de-boer"), "{ practitioners { reference display isGroup } }")).Data("practitioners").EnumerateArray().ToList();

        Assert.Contains(list, p => p.Str("reference") == "Practitioner/huisarts-de-vries" && !p.GetProperty("isGroup").GetBoolean());
        Assert.Contains(list, p => p.Str("reference") == "Practitioner/huisarts-jansen");
        Assert.Contains(list, p => p.Str("reference") == "PractitionerRole/groep-de-assistentes" && p.GetProperty("isGroup").GetBoolean());
    }

    [Fact]
    public async Task Practitioners_ForPatient_IsForbidden()
    {
        var answer = await host.GraphAsync(Patient("patient-pieter-van-den-berg"), "{ practitioners { reference } }");

        Assert.Equal("FORBIDDEN", answer.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Message_ThreadTopic_IsTheConversationsSubjectForEveryMessage()
    {
        var id = (await host.GraphAsync(Patient("patient-willem-bos"), "mutation($input: SendEConsultInput!) { sendEConsult(input: $input) { id } }",
            new { input = new { kind = "MEDICAL", topic = "Oorpijn", text = "Sinds gisteren pijn in mijn rechteroor." } })).Data("sendEConsult").Str("id");
        await host.GraphAsync(Staff("huisarts-jansen", "huisarts"), "mutation($input: AnswerInput!) { answerThread(input: $input) { id } }",
            new { input = new { threadId = id, text = "Komt u morgen langs op het spreekuur?", closeForPatient = false } });

        var inbox = (await host.GraphAsync(Patient("patient-willem-bos"), "{ messages(folder: INBOX) { nodes { threadId threadTopic } } }")).Data("messages").Nodes();

        Assert.Equal("Oorpijn", Assert.Single(inbox, m => m.Str("threadId") == id).Str("threadTopic"));
    }
}
