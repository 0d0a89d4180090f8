using System.Collections.Immutable;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.Pipeline.Records;
using ImageTrust.Pipeline.Wire;

namespace ImageTrust.Pipeline.Persistence;

/// <summary>
/// Maps a <see cref="StoredImageRecord"/> to and from its Firestore fields: the schema of documents already stored in production
/// (pinned by golden-file tests), so a field is never renamed and a reader accepts what older code wrote.
/// </summary>
internal static class ImageRecordDocument
{
    /// <summary>The field set to the server's commit time on every write.</summary>
    public const string UpdatedField = "updated";

    /// <summary>The status field (queried by <c>ListAsync</c>).</summary>
    public const string StatusField = "status";

    /// <summary>When the record is next due (a timestamp, or null): the sweep's range field.</summary>
    public const string DueAtField = "dueAt";

    /// <summary>
    /// The policy version the record was judged under (empty when none), present only while the sweep should consider the
    /// record (absent once deleted, as a <c>NOT_EQUAL</c> query never matches a missing field).
    /// </summary>
    public const string DuePolicyVersionField = "duePolicyVersion";

    /// <summary>The Google Cloud project the image lives in (present only for Artifact Registry and Container Registry images).</summary>
    public const string SourceProjectField = "sourceProject";

    /// <summary>The outbox field.</summary>
    public const string OutboxField = "outbox";

    /// <summary>
    /// From when the earliest outbox event may be published by anyone (<see cref="OutboxEvent.FreeFrom"/>), or null when the
    /// outbox is empty: the sweep's drain query selects records whose value has passed.
    /// </summary>
    public const string OutboxDueAtField = "outboxDueAt";

    /// <summary>The attestation field: <c>{occurrence, createdAt}</c>, absent or null when none exists.</summary>
    public const string AttestationField = "attestation";

    /// <summary>The pending attestation action field (<c>ATTEST</c>/<c>WITHDRAW</c>), absent or null when none is pending.</summary>
    public const string PendingAttestationField = "pendingAttestation";

    /// <summary>The field holding until when a delivery carries out the pending attestation action (absent or null when none does).</summary>
    public const string AttestationClaimField = "attestationClaimedUntil";

    /// <summary>The Firestore value of an attestation (null when none).</summary>
    public static FirestoreValue AttestationValue(ImageAttestation? attestation) => attestation is null
        ? FirestoreValue.Null
        : FirestoreValue.Map(new Dictionary<string, FirestoreValue>
        {
            ["occurrence"] = FirestoreValue.String(attestation.OccurrenceName),
            ["createdAt"] = FirestoreValue.Timestamp(attestation.CreatedAt),
        });

    /// <summary>The Firestore value of a pending attestation action (null when none).</summary>
    public static FirestoreValue PendingAttestationValue(AttestationAction? action) => FirestoreValue.StringOrNull(action?.ToWire());

    /// <summary>The document's fields (without <see cref="UpdatedField"/>, which the server sets).</summary>
    public static ImmutableSortedDictionary<string, FirestoreValue> ToFields(StoredImageRecord stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var record = stored.Record;
        var fields = new Dictionary<string, FirestoreValue>(StringComparer.Ordinal)
        {
            ["repository"] = FirestoreValue.String(record.Key.Repository),
            ["digest"] = FirestoreValue.String(record.Key.Digest.ToString()),
            [StatusField] = FirestoreValue.String(record.Status.ToWire()),
            ["reasons"] = Strings(record.Reasons),
            ["signers"] = FirestoreValue.Array(record.Signers.Select(s => FirestoreValue.Map(new Dictionary<string, FirestoreValue>
            {
                ["identity"] = FirestoreValue.String(s.Identity),
                ["issuer"] = FirestoreValue.StringOrNull(s.Issuer),
                ["keyId"] = FirestoreValue.StringOrNull(s.KeyId),
                ["tlogIndex"] = s.TlogIndex is { } index ? FirestoreValue.Integer(index) : FirestoreValue.Null,
            }))),
            ["vulnerabilities"] = record.Vulnerabilities is { } v ? FirestoreValue.Map(new Dictionary<string, FirestoreValue>
            {
                ["critical"] = FirestoreValue.Integer(v.Critical),
                ["high"] = FirestoreValue.Integer(v.High),
                ["medium"] = FirestoreValue.Integer(v.Medium),
                ["low"] = FirestoreValue.Integer(v.Low),
                ["minimal"] = FirestoreValue.Integer(v.Minimal),
                ["blockingCves"] = Strings(v.BlockingCves),
                ["evaluatedAt"] = FirestoreValue.Timestamp(v.EvaluatedAt),
            }) : FirestoreValue.Null,
            ["scanStatus"] = FirestoreValue.StringOrNull(record.ScanStatus),
            ["policyRule"] = FirestoreValue.StringOrNull(record.PolicyRule),
            ["policyVersion"] = FirestoreValue.StringOrNull(record.PolicyVersion),
            ["firstSeen"] = FirestoreValue.Timestamp(record.FirstSeen),
            ["lastVerified"] = FirestoreValue.TimestampOrNull(record.LastVerified),
            ["history"] = FirestoreValue.Array(record.History.Select(h => FirestoreValue.Map(new Dictionary<string, FirestoreValue>
            {
                ["from"] = FirestoreValue.StringOrNull(h.From?.ToWire()),
                ["to"] = FirestoreValue.String(h.To.ToWire()),
                ["at"] = FirestoreValue.Timestamp(h.At),
                ["messageId"] = FirestoreValue.String(h.MessageId),
                ["reasons"] = Strings(h.Reasons),
            }))),
            ["processedMessageIds"] = Strings(record.ProcessedMessageIds),
            [DueAtField] = FirestoreValue.TimestampOrNull(record.DueAt),
        };
        foreach (var (name, value) in OutboxFields(stored.Outbox))
        {
            fields[name] = value;
        }

        if (record.Key.SourceProject is { } project)
        {
            fields[SourceProjectField] = FirestoreValue.String(project);
        }

        if (record.Status != ImageStatus.Deleted)
        {
            fields[DuePolicyVersionField] = FirestoreValue.String(record.PolicyVersion ?? string.Empty);
        }

        // Written only when set, so documents of images without attestations keep the schema older readers know.
        if (record.Attestation is not null)
        {
            fields[AttestationField] = AttestationValue(record.Attestation);
        }

        if (record.PendingAttestation is not null)
        {
            fields[PendingAttestationField] = PendingAttestationValue(record.PendingAttestation);
        }

        if (record.AttestationClaimedUntil is { } claimedUntil)
        {
            fields[AttestationClaimField] = FirestoreValue.Timestamp(claimedUntil);
        }

        return fields.ToImmutableSortedDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// The fields every write of an outbox sets together: the outbox and <see cref="OutboxDueAtField"/>, so the drain query
    /// always sees the outbox as written.
    /// </summary>
    public static Dictionary<string, FirestoreValue> OutboxFields(IEnumerable<OutboxEvent> outbox)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        var entries = outbox.ToList();
        return new Dictionary<string, FirestoreValue>(StringComparer.Ordinal)
        {
            [OutboxField] = FirestoreValue.Array(entries.Select(OutboxEntryValue)),
            [OutboxDueAtField] = FirestoreValue.TimestampOrNull(OutboxDueAt(entries)),
        };
    }

    /// <summary><paramref name="record"/> with its pending-event count and due time taken from <paramref name="outbox"/>, as written beside it.</summary>
    public static ImageRecord WithOutbox(ImageRecord record, ImmutableArray<OutboxEvent> outbox)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record with { PendingEvents = outbox.Length, PendingEventsDueAt = OutboxDueAt(outbox) };
    }

    // From when the earliest entry may be published by anyone; null when the outbox is empty.
    private static DateTimeOffset? OutboxDueAt(IEnumerable<OutboxEvent> outbox) => outbox.Select(e => (DateTimeOffset?)e.FreeFrom).Min();

    // The claim is written only while one exists, so an unclaimed entry keeps the shape older readers know.
    private static FirestoreValue OutboxEntryValue(OutboxEvent e)
    {
        var entry = new Dictionary<string, FirestoreValue>(StringComparer.Ordinal)
        {
            ["id"] = FirestoreValue.String(e.Event.Id),
            ["topic"] = FirestoreValue.String(e.Topic),
            ["type"] = FirestoreValue.String(e.Event.Type),
            ["payload"] = FirestoreValue.String(e.Event.Json),
            ["attributes"] = FirestoreValue.Map(e.Event.Attributes.Select(a => KeyValuePair.Create(a.Key, FirestoreValue.String(a.Value)))),
            ["createdAt"] = FirestoreValue.Timestamp(e.CreatedAt),
        };
        if (e.Claim is { } claim)
        {
            entry["claimedBy"] = FirestoreValue.String(claim.Holder);
            entry["claimedUntil"] = FirestoreValue.Timestamp(claim.Until);
        }

        return FirestoreValue.Map(entry);
    }

    /// <summary>Reads a record and its outbox from their document.</summary>
    /// <exception cref="FormatException">The document does not have the shape this code writes.</exception>
    public static StoredImageRecord FromDocument(FirestoreDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var f = document.Fields;
        var key = ImageDocumentIds.Parse(document.Id);
        ImmutableArray<OutboxEvent> outbox = [.. Items(f, OutboxField).Select(e =>
        {
            var m = e.AsMap();
            var attributes = Optional(m, "attributes") is { Kind: FirestoreValueKind.Map } a
                ? a.AsMap().ToImmutableSortedDictionary(p => p.Key, p => p.Value.AsString(), StringComparer.Ordinal)
                : ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);
            var message = new CloudEventMessage(Required(m, "id").AsString(), Required(m, "type").AsString(), Required(m, "payload").AsString(), attributes);
            var claim = Optional(m, "claimedBy")?.AsStringOrNull() is { } holder && Optional(m, "claimedUntil")?.AsTimestampOrNull() is { } until ? new OutboxClaim(holder, until) : null;
            return new OutboxEvent(Required(m, "topic").AsString(), message, Required(m, "createdAt").AsTimestamp(), claim);
        })];
        var record = new ImageRecord
        {
            Key = key,
            Status = ImageStatusNames.Parse(Required(f, StatusField).AsString()),
            Reasons = ReadStrings(f, "reasons"),
            Signers = [.. Items(f, "signers").Select(s =>
            {
                var m = s.AsMap();
                return new VerifiedSigner(Required(m, "identity").AsString(), Optional(m, "issuer")?.AsStringOrNull(), Optional(m, "keyId")?.AsStringOrNull(), Optional(m, "tlogIndex") is { Kind: FirestoreValueKind.Integer } t ? t.AsInteger() : null);
            })],
            Vulnerabilities = Optional(f, "vulnerabilities") is { Kind: FirestoreValueKind.Map } vv ? ReadFindings(vv.AsMap()) : null,
            ScanStatus = Optional(f, "scanStatus")?.AsStringOrNull(),
            PolicyRule = Optional(f, "policyRule")?.AsStringOrNull(),
            PolicyVersion = Optional(f, "policyVersion")?.AsStringOrNull(),
            FirstSeen = Required(f, "firstSeen").AsTimestamp(),
            LastVerified = Optional(f, "lastVerified")?.AsTimestampOrNull(),
            Updated = Optional(f, UpdatedField)?.AsTimestampOrNull() ?? document.UpdateTime,
            History = [.. Items(f, "history").Select(h =>
            {
                var m = h.AsMap();
                var from = Optional(m, "from")?.AsStringOrNull();
                return new StatusTransition(from is null ? null : ImageStatusNames.Parse(from), ImageStatusNames.Parse(Required(m, "to").AsString()), Required(m, "at").AsTimestamp(), Required(m, "messageId").AsString(), ReadStrings(m, "reasons"));
            })],
            ProcessedMessageIds = ReadStrings(f, "processedMessageIds"),
            PendingEvents = outbox.Length,
            PendingEventsDueAt = OutboxDueAt(outbox),
            Attestation = Optional(f, AttestationField) is { Kind: FirestoreValueKind.Map } at
                ? new ImageAttestation(Required(at.AsMap(), "occurrence").AsString(), Required(at.AsMap(), "createdAt").AsTimestamp())
                : null,
            PendingAttestation = Optional(f, PendingAttestationField)?.AsStringOrNull() is { } pending ? AttestationActionNames.Parse(pending) : null,
            AttestationClaimedUntil = Optional(f, AttestationClaimField)?.AsTimestampOrNull(),
            DueAt = Optional(f, DueAtField)?.AsTimestampOrNull(),
        };
        return new StoredImageRecord(record, outbox);
    }

    /// <summary>As <see cref="FromDocument"/>, for a document read from the store.</summary>
    /// <exception cref="InvalidDataException">The stored document is malformed.</exception>
    public static StoredImageRecord Read(FirestoreDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        try
        {
            return FromDocument(document);
        }
        catch (FormatException exception)
        {
            throw new InvalidDataException($"image record {document.Id} is malformed: {exception.Message}", exception);
        }
    }

    private static VulnerabilityFindings ReadFindings(IReadOnlyDictionary<string, FirestoreValue> m)
        => new(
            (int)(Optional(m, "critical")?.AsInteger() ?? 0),
            (int)(Optional(m, "high")?.AsInteger() ?? 0),
            (int)(Optional(m, "medium")?.AsInteger() ?? 0),
            (int)(Optional(m, "low")?.AsInteger() ?? 0),
            (int)(Optional(m, "minimal")?.AsInteger() ?? 0),
            ReadStrings(m, "blockingCves"),
            Required(m, "evaluatedAt").AsTimestamp());

    private static FirestoreValue Strings(IEnumerable<string> values) => FirestoreValue.Array(values.Select(FirestoreValue.String));

    private static ImmutableArray<string> ReadStrings(IReadOnlyDictionary<string, FirestoreValue> fields, string name)
        => [.. Items(fields, name).Select(v => v.AsString())];

    private static IEnumerable<FirestoreValue> Items(IReadOnlyDictionary<string, FirestoreValue> fields, string name)
        => Optional(fields, name) is { Kind: FirestoreValueKind.Array } array ? array.AsArray() : [];

    private static FirestoreValue? Optional(IReadOnlyDictionary<string, FirestoreValue> fields, string name) => fields.GetValueOrDefault(name);

    private static FirestoreValue Required(IReadOnlyDictionary<string, FirestoreValue> fields, string name)
        => fields.TryGetValue(name, out var value) ? value : throw new FormatException($"image record field '{name}' is missing");
}
