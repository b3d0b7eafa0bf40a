using Portal.Ui.Components.Pages.Messages;

namespace Portal.Ui.Components.Pages.Practice;

public enum Worklist { All, Unassigned, Mine, Practitioner }

public sealed record ReplyTemplate(string Id, string Name, string Body);

public sealed record WeeklyCounts(string WeekStart, int Received, int Answered, int HandledWithoutReply, int? MedianAnswerMinutes, int OpenOverdue);

/// <summary>The GraphQL operations of the practice's screens, and the answers they are read into.</summary>
internal static class PracticeOperations
{
    public const string Inbox = """
        query Inbox($worklist: Worklist!, $practitioner: ID, $overdue: Boolean) {
          inbox(worklist: $worklist, practitioner: $practitioner, overdue: $overdue, first: 100) {
            totalCount
            nodes { id kind topic status receivedAt dueDate overdue unread patient { reference display } recipient { reference display } assignee { reference display } }
          }
          practitioners { reference display role isGroup preselected }
        }
        """;

    public sealed record InboxThread(string Id, QuestionKind Kind, string? Topic, ThreadStatus Status, string? ReceivedAt, string? DueDate, bool Overdue, bool Unread,
        Party Patient, Party? Recipient, Party? Assignee);

    public sealed record InboxConnection(int TotalCount, IReadOnlyList<InboxThread> Nodes);

    public sealed record InboxData(InboxConnection Inbox, IReadOnlyList<Recipient> Practitioners);

    public const string Thread = "query StaffThread($id: ID!) { thread(id: $id) { " + MessagesOperations.ThreadFields + " } " +
        "replyTemplates { id name body } practitioners { reference display role isGroup preselected } }";

    public sealed record ThreadData(ThreadDetail? Thread, IReadOnlyList<ReplyTemplate> ReplyTemplates, IReadOnlyList<Recipient> Practitioners);

    public const string RenderTemplate = "query Render($templateId: ID!, $threadId: ID!) { renderTemplate(templateId: $templateId, threadId: $threadId) }";

    public sealed record RenderData(string RenderTemplate);

    public const string Answer = "mutation Answer($input: AnswerInput!) { answerThread(input: $input) { id status } }";

    public sealed record AnswerData(ThreadState AnswerThread);

    public sealed record ThreadState(string Id, ThreadStatus Status);

    public const string HandleWithoutReply = "mutation Handle($threadId: ID!) { handleWithoutReply(threadId: $threadId) { id status } }";

    public sealed record HandleData(ThreadState HandleWithoutReply);

    public const string Assign = "mutation Assign($threadId: ID!, $practitioner: ID) { assignThread(threadId: $threadId, practitioner: $practitioner) { id status } }";

    public sealed record AssignData(ThreadState AssignThread);

    public const string Start = "mutation Start($input: StartMessageInput!) { startMessage(input: $input) { id } }";

    public sealed record StartData(MessagesOperations.IdOnly StartMessage);

    public const string Failed = "query Failed { failedNotifications(first: 100) { totalCount nodes { id channel recipient person { reference display } subject attempts error failedAtLocal } } }";

    public sealed record FailedNotification(string Id, string Channel, string Recipient, Party Person, string? Subject, int Attempts, string? Error, string FailedAtLocal);

    public sealed record FailedConnection(int TotalCount, IReadOnlyList<FailedNotification> Nodes);

    public sealed record FailedData(FailedConnection FailedNotifications);

    public const string Retry = "mutation Retry($id: ID!) { retryNotification(id: $id) { id } }";

    public sealed record RetryData(MessagesOperations.IdOnly RetryNotification);

    public const string MarkThreadRead = "mutation ThreadRead($threadId: ID!) { markThreadRead(threadId: $threadId) { id } }";

    public sealed record MarkThreadReadData(MessagesOperations.IdOnly MarkThreadRead);

    public const string Templates = "query Templates { replyTemplates { id name body } }";

    public sealed record TemplatesData(IReadOnlyList<ReplyTemplate> ReplyTemplates);

    public const string SaveTemplate = "mutation SaveTemplate($id: ID, $name: String!, $body: String!) { saveReplyTemplate(id: $id, name: $name, body: $body) { id name body } }";

    public sealed record SaveTemplateData(ReplyTemplate SaveReplyTemplate);

    public const string DeleteTemplate = "mutation DeleteTemplate($id: ID!) { deleteReplyTemplate(id: $id) }";

    public sealed record DeleteTemplateData(bool DeleteReplyTemplate);

    public const string Counts = "query Counts($weekOf: String) { weeklyCounts(weekOf: $weekOf) { weekStart received answered handledWithoutReply medianAnswerMinutes openOverdue } }";

    public sealed record CountsData(WeeklyCounts WeeklyCounts);
}
