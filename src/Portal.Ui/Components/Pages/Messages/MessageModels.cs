namespace Portal.Ui.Components.Pages.Messages;

// The shapes of the portal API's answers as the pages read them (names follow schema.graphql).

public enum MessageFolder { Inbox, Pending, System, Deleted }

public enum QuestionKind { Medical, Other, System }

public enum ThreadStatus { AwaitingAnswer, AwaitingFollowUp, Answered, HandledWithoutReply }

public sealed record Party(string Reference, string Display);

public sealed record AttachmentInfo(string Title, string ContentType, int Size);

public sealed record MessageItem(string Id, string ThreadId, string? ThreadTopic, QuestionKind Kind, string? Topic, string Text, Party Sender, bool FromPatient,
    string SentLocal, bool Read, bool Deleted, IReadOnlyList<AttachmentInfo> Attachments);

public sealed record PageInfo(bool HasNextPage, string? EndCursor);

public sealed record MessageConnection(IReadOnlyList<MessageItem> Nodes, PageInfo PageInfo, int TotalCount);

public sealed record ThreadDetail(string Id, QuestionKind Kind, string? Topic, Party Patient, Party? Recipient, IReadOnlyList<MessageItem> Messages,
    ThreadStatus Status, bool ClosedForPatient, bool CanReply, string? ReceivedAt, string? DueDate, bool Overdue, string? ExpectedAnswerDate, Party? Assignee);

public sealed record Recipient(string Reference, string Display, string Role, bool IsGroup, bool Preselected);

/// <summary>An upload as the API takes it (AttachmentInput).</summary>
public sealed record AttachmentUpload(string FileName, string ContentBase64);
