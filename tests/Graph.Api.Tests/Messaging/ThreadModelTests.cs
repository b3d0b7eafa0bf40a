using System.Text.Json;
using Graph.Api.Messaging;

namespace Graph.Api.Tests.Messaging;

public sealed class ThreadModelTests
{
    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10 }, "image/jpeg")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 }, "image/png")]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x2E, 0x37 }, "application/pdf")]
    [InlineData(new byte[] { 0x4D, 0x5A, 0x90, 0 }, null)]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61 }, null)]
    public void Sniff_DecidesByLeadingBytes(byte[] data, string? expected) => Assert.Equal(expected, Attachments.Sniff(data));

    [Fact]
    public void Accept_RefusesTooLarge()
    {
        var big = new byte[Attachments.MaxBytes + 1];
        big[0] = 0xFF; big[1] = 0xD8; big[2] = 0xFF;
        var error = Assert.Throws<Graph.Engine.Execution.GraphQLException>(() => Attachments.Accept("scan.jpg", Convert.ToBase64String(big)));
        Assert.Equal(MessagingErrors.AttachmentCode, error.Code);
        Assert.Equal("De bijlage 'scan.jpg' is te groot; het maximum is 5 MB.", error.Message);
    }

    private static EConsultMessage Message(string id, string sender, int minute, string? inResponseTo = null, string status = "completed", bool? closed = null)
    {
        var json = new Dictionary<string, object?>
        {
            ["resourceType"] = "Communication", ["id"] = id, ["status"] = status,
            ["subject"] = new { reference = "Patient/p" }, ["sender"] = new { reference = sender },
            ["sent"] = new DateTimeOffset(2026, 11, 16, 9, minute, 0, TimeSpan.Zero).ToString("O"),
            ["payload"] = new[] { new { contentString = id } },
        };
        if (inResponseTo is not null) json["inResponseTo"] = new[] { new { reference = $"Communication/{inResponseTo}" } };
        if (closed is not null) json["extension"] = new[] { new { url = KnownEConsult.ClosedForPatient, valueBoolean = closed } };
        return EConsultMessage.Parse(JsonSerializer.SerializeToElement(json));
    }

    [Fact]
    public void Group_FollowsInResponseToChains_AndDerivesState()
    {
        var threads = EConsultThread.Group([
            Message("q1", "Patient/p", 0, status: "in-progress"),
            Message("a1", "Practitioner/x", 5, "q1", closed: false),
            Message("q2", "Patient/p", 7, "a1", status: "in-progress"),
            Message("other", "Patient/p", 1, status: "in-progress"),
        ]);

        Assert.Equal(2, threads.Count);
        var thread = threads.Single(t => t.Id == "q1");
        Assert.Equal(["q1", "a1", "q2"], thread.Messages.Select(m => m.Id));
        Assert.True(thread.AwaitingAnswer);
        Assert.Equal("q2", Assert.Single(thread.Unanswered).Id);
        Assert.False(thread.ClosedForPatient);
    }

    [Fact]
    public void PracticeReplyWithoutTheExtension_ClosesTheConversation()
    {
        var thread = Assert.Single(EConsultThread.Group([Message("q", "Patient/p", 0, status: "in-progress"), Message("a", "Practitioner/x", 1, "q")]));
        Assert.False(thread.AwaitingAnswer);
        Assert.True(thread.ClosedForPatient);
    }

    [Fact]
    public void ReplyWithAnEarlierClock_StillComesAfterTheQuestion()
    {
        var thread = Assert.Single(EConsultThread.Group([Message("q", "Patient/p", 5, status: "in-progress"), Message("a", "Practitioner/x", 4, "q")]));
        Assert.Equal("q", thread.Id);
        Assert.Equal(["q", "a"], thread.Messages.Select(m => m.Id));
        Assert.False(thread.AwaitingAnswer);
    }
}
