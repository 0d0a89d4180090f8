using System.Collections.Immutable;
using ImageTrust.GoogleCloud.Firestore;
using ImageTrust.Pipeline.Persistence;
using ImageTrust.Pipeline.Records;
using ImageTrust.Pipeline.Wire;

namespace ImageTrust.Shared.Tests.Pipeline.Persistence;

public sealed class ImageRecordDocumentTests
{
    [Fact]
    public void FromDocument_ToFieldsOutput_RoundTripsEveryField()
    {
        var key = ImageKey.Parse("europe-docker.pkg.dev/p/r/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");
        var t = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        var record = new ImageRecord
        {
            Key = key,
            Status = ImageStatus.Quarantined,
            Reasons = ["SIGNATURE_MISSING", "VULNERABILITY_BLOCKING"],
            Signers = [new VerifiedSigner("ci@example.com", "https://accounts.google.com", null, 42), new VerifiedSigner("release-key", null, "sha256:abcd", null)],
            Vulnerabilities = new VulnerabilityFindings(1, 2, 3, 4, 5, ["CVE-2024-1"], t),
            ScanStatus = "FINISHED_SUCCESS",
            PolicyRule = "prod",
            PolicyVersion = "v7",
            FirstSeen = t,
            LastVerified = t.AddMinutes(1),
            History = [new StatusTransition(null, ImageStatus.PendingSignature, t, "m1", ["SIGNATURE_MISSING"]), new StatusTransition(ImageStatus.PendingSignature, ImageStatus.Quarantined, t.AddMinutes(10), "m2", [])],
            ProcessedMessageIds = ["m1", "m2"],
            PendingEvents = 1,
        };
        var message = new CloudEventMessage("e1", ImageEventTypes.Quarantined, "{}", ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("type", "x")]));
        var stored = new StoredImageRecord(record, [new OutboxEvent("imagetrust-quarantine", message, t)]);
        var document = new FirestoreDocument("projects/p/databases/(default)/documents/images/" + ImageDocumentIds.For(key), ImageRecordDocument.ToFields(stored), t, t);

        var read = ImageRecordDocument.FromDocument(document);

        Assert.Equal(ImageRecordDocument.ToFields(stored), ImageRecordDocument.ToFields(read));
        Assert.Equal(key, read.Record.Key);
        Assert.Equal(ImageStatus.Quarantined, read.Record.Status);
        Assert.Equal(42, read.Record.Signers[0].TlogIndex);
        Assert.Null(read.Record.History[0].From);
        Assert.Equal(1, read.Record.PendingEvents);
        Assert.Equal("x", read.Outbox[0].Event.Attributes["type"]);
        Assert.Equal(message, read.Outbox[0].Event with { Attributes = message.Attributes });
    }

    [Fact]
    public void FromDocument_UnknownStatus_ThrowsFormatException()
    {
        var id = "docker.io~library~busybox@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
        var fields = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, FirestoreValue>
        {
            ["status"] = FirestoreValue.String("MAYBE"),
            ["firstSeen"] = FirestoreValue.Timestamp(DateTimeOffset.UnixEpoch),
        });

        Assert.Throws<FormatException>(() => ImageRecordDocument.FromDocument(new FirestoreDocument("x/images/" + id, fields, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch)));
    }

    [Fact]
    public void ImageEventTopics_FromEnvironment_DefaultsAndOverrides()
    {
        var defaults = ImageEventTopics.FromEnvironment(_ => null);
        var custom = ImageEventTopics.FromEnvironment(name => name == ImageEventTopics.VerifiedVariable ? "verified-topic" : null);

        Assert.Equal("imagetrust-quarantine", defaults.Quarantine);
        Assert.Equal("imagetrust-alerts", defaults.Alerts);
        Assert.Null(defaults.TopicFor(ImageEventTypes.Verified));
        Assert.Equal("verified-topic", custom.TopicFor(ImageEventTypes.Verified));
        Assert.Throws<ImageTrust.Model.ConfigurationException>(() => ImageEventTopics.FromEnvironment(name => name == ImageEventTopics.AlertsVariable ? "x" : null));
    }

    [Fact]
    public void ImageEventTopics_FromEnvironment_ConfirmationForEveryTopic()
    {
        var topics = ImageEventTopics.FromEnvironment(name => name switch
        {
            ImageEventTopics.ConfirmationsVariable => " imagetrust-quarantine = q-confirm ,imagetrust-alerts=a-confirm",
            _ => null,
        });
        var off = ImageEventTopics.FromEnvironment(name => name == ImageEventTopics.ConfirmationsVariable ? "  " : null);

        Assert.True(topics.ConfirmsBySubscription);
        Assert.Equal(["imagetrust-alerts", "imagetrust-quarantine"], topics.Confirmations.Keys);
        Assert.Equal("q-confirm", topics.Confirmations["imagetrust-quarantine"]);
        Assert.False(off.ConfirmsBySubscription);
    }

    [Theory]
    [InlineData(null, "imagetrust-quarantine=q-confirm")]
    [InlineData(null, "imagetrust-quarantine=q-confirm,imagetrust-alerts=a-confirm,other-topic=o-confirm")]
    [InlineData("verified-topic", "imagetrust-quarantine=q-confirm,imagetrust-alerts=a-confirm")]
    [InlineData(null, "imagetrust-quarantine=q-confirm,imagetrust-alerts")]
    [InlineData(null, "imagetrust-quarantine=q-confirm,imagetrust-alerts=a=b")]
    [InlineData(null, "imagetrust-quarantine=q-confirm,imagetrust-quarantine=a-confirm")]
    [InlineData(null, "imagetrust-quarantine=same-confirm,imagetrust-alerts=same-confirm")]
    [InlineData(null, "imagetrust-quarantine=q-confirm,imagetrust-alerts=goog-confirm")]
    public void ImageEventTopics_FromEnvironment_BadConfirmations_Throw(string? verified, string confirmations)
    {
        Assert.Throws<ImageTrust.Model.ConfigurationException>(() => ImageEventTopics.FromEnvironment(name => name switch
        {
            ImageEventTopics.ConfirmationsVariable => confirmations,
            ImageEventTopics.VerifiedVariable => verified,
            _ => null,
        }));
    }

    [Fact]
    public void FromDocument_AttestationAndPendingAction_RoundTripUnderTheirFieldNames()
    {
        var key = ImageKey.Parse("europe-docker.pkg.dev/p/r/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");
        var t = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        var record = new ImageRecord
        {
            Key = key,
            Status = ImageStatus.Quarantined,
            FirstSeen = t,
            Attestation = new ImageAttestation("projects/p/occurrences/abc", t.AddSeconds(1)),
            PendingAttestation = AttestationAction.Withdraw,
        };
        var fields = ImageRecordDocument.ToFields(new StoredImageRecord(record, []));
        var document = new FirestoreDocument("projects/p/databases/(default)/documents/images/" + ImageDocumentIds.For(key), fields, t, t);

        var read = ImageRecordDocument.FromDocument(document).Record;

        Assert.Equal("WITHDRAW", fields["pendingAttestation"].AsString());
        Assert.Equal("projects/p/occurrences/abc", fields["attestation"].AsMap()["occurrence"].AsString());
        Assert.Equal(record.Attestation, read.Attestation);
        Assert.Equal(AttestationAction.Withdraw, read.PendingAttestation);
    }

    [Fact]
    public void ToFields_NoAttestation_WritesNeitherField()
    {
        var key = ImageKey.Parse("europe-docker.pkg.dev/p/r/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");
        var fields = ImageRecordDocument.ToFields(new StoredImageRecord(new ImageRecord { Key = key, Status = ImageStatus.Verified, FirstSeen = DateTimeOffset.UnixEpoch }, []));

        Assert.False(fields.ContainsKey("attestation"));
        Assert.False(fields.ContainsKey("pendingAttestation"));
    }

    [Fact]
    public void FromDocument_NullAttestationFields_ReadAsNone()
    {
        var key = ImageKey.Parse("europe-docker.pkg.dev/p/r/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");
        var fields = ImageRecordDocument.ToFields(new StoredImageRecord(new ImageRecord { Key = key, Status = ImageStatus.Verified, FirstSeen = DateTimeOffset.UnixEpoch }, []))
            .SetItem("attestation", FirestoreValue.Null).SetItem("pendingAttestation", FirestoreValue.Null);
        var document = new FirestoreDocument("projects/p/databases/(default)/documents/images/" + ImageDocumentIds.For(key), fields, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        var read = ImageRecordDocument.FromDocument(document).Record;

        Assert.Null(read.Attestation);
        Assert.Null(read.PendingAttestation);
    }

    [Fact]
    public void ToFields_GoogleRegistryImage_CarriesSourceProjectAndSweepFields()
    {
        var t = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        var record = new ImageRecord
        {
            Key = ImageKey.Parse("europe-docker.pkg.dev/team-a/r/app@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"),
            Status = ImageStatus.Verified,
            PolicyVersion = "v7",
            FirstSeen = t,
            DueAt = t.AddHours(24),
        };

        var fields = ImageRecordDocument.ToFields(new StoredImageRecord(record, []));
        var deleted = ImageRecordDocument.ToFields(new StoredImageRecord(record with { Status = ImageStatus.Deleted, DueAt = null }, []));

        Assert.Equal(FirestoreValue.String("team-a"), fields["sourceProject"]);
        Assert.Equal(FirestoreValue.String("v7"), fields["duePolicyVersion"]);
        Assert.Equal(FirestoreValue.Timestamp(t.AddHours(24)), fields["dueAt"]);
        Assert.False(deleted.ContainsKey("duePolicyVersion"));
        Assert.Equal(FirestoreValue.Null, deleted["dueAt"]);
    }
}
