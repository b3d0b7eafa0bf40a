namespace Portal.Ui.Components.Pages.Messages;

/// <summary>The GraphQL operations of Mijn berichten, and the answers they are read into.</summary>
internal static class MessagesOperations
{
    private const string MessageFields = "id threadId threadTopic kind topic text sender { reference display } fromPatient sentLocal read deleted attachments { title contentType size }";

    public const string ThreadFields = "id kind topic patient { reference display } recipient { reference display } status closedForPatient canReply " +
        "receivedAt dueDate overdue expectedAnswerDate assignee { reference display } messages { " + MessageFields + " }";

    public const string Folder = """
        query Folder($folder: MessageFolder!, $sort: SortOrder!, $after: String, $patientId: ID) {
          unreadCount(patientId: $patientId)
          actingFor { patientId display self }
          messages(folder: $folder, sort: $sort, first: 25, after: $after, patientId: $patientId) {
            totalCount pageInfo { hasNextPage endCursor }
            nodes { 
        """ + MessageFields + " } } }";

    public sealed record FolderData(int UnreadCount, IReadOnlyList<Person> ActingFor, MessageConnection Messages);

    /// <summary>Someone the patient may act for in Mijn berichten: themselves, or a child the WGBO rules allow.</summary>
    public sealed record Person(string PatientId, string Display, bool Self);

    public const string ActingFor = "query ActingFor { actingFor { patientId display self } }";

    public sealed record ActingForData(IReadOnlyList<Person> ActingFor);

    public const string Thread = "query Thread($id: ID!) { thread(id: $id) { " + ThreadFields + " } }";

    public sealed record ThreadData(ThreadDetail? Thread);

    public const string Recipients = "query Recipients($patientId: ID) { recipients(patientId: $patientId) { reference display role isGroup preselected } actingFor { patientId display self } }";

    public sealed record RecipientsData(IReadOnlyList<Recipient> Recipients, IReadOnlyList<Person> ActingFor);

    public const string Send = "mutation Send($input: SendEConsultInput!) { sendEConsult(input: $input) { id } }";

    public sealed record SendData(IdOnly SendEConsult);

    public sealed record IdOnly(string Id);

    public const string Reply = "mutation Reply($threadId: ID!, $text: String!, $attachments: [AttachmentInput!]) { replyToThread(threadId: $threadId, text: $text, attachments: $attachments) { " + ThreadFields + " } }";

    public sealed record ReplyData(ThreadDetail ReplyToThread);

    public const string MarkRead = "mutation MarkRead($ids: [ID!]!, $read: Boolean!) { markRead(ids: $ids, read: $read) { id read } }";

    public sealed record MarkReadData(IReadOnlyList<ReadFlag> MarkRead);

    public sealed record ReadFlag(string Id, bool Read);

    public const string Delete = "mutation Delete($id: ID!) { deleteMessage(id: $id) { id deleted } }";

    public const string Restore = "mutation Restore($id: ID!) { restoreMessage(id: $id) { id deleted } }";

    public sealed record DeleteData(DeletedFlag? DeleteMessage, DeletedFlag? RestoreMessage);

    public sealed record DeletedFlag(string Id, bool Deleted);

    public const string Unread = "query Unread { unreadCount }";

    public sealed record UnreadData(int UnreadCount);

    public const string EmailSetting = "query EmailSetting { emailOnNewMessage }";

    public sealed record EmailSettingData(bool EmailOnNewMessage);

    public const string SetEmailSetting = "mutation SetEmail($enabled: Boolean!) { setEmailOnNewMessage(enabled: $enabled) }";

    public sealed record SetEmailSettingData(bool SetEmailOnNewMessage);

    /// <summary>One attachment's bytes, for the download endpoint.</summary>
    public const string AttachmentContent = "query Attachment($id: ID!) { thread(id: $id) { messages { id attachments { title contentType contentBase64 } } } }";

    public sealed record AttachmentContentData(AttachmentThread? Thread);

    public sealed record AttachmentThread(IReadOnlyList<AttachmentMessage> Messages);

    public sealed record AttachmentMessage(string Id, IReadOnlyList<AttachmentBytes> Attachments);

    public sealed record AttachmentBytes(string Title, string ContentType, string ContentBase64);
}
