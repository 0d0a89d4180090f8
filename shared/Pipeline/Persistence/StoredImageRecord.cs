using System.Collections.Immutable;
using ImageTrust.Pipeline.Records;

namespace ImageTrust.Pipeline.Persistence;

/// <summary>What one image's Firestore document holds: the record and its outbox.</summary>
/// <param name="Record">The record (its <see cref="ImageRecord.PendingEvents"/> is the outbox's length).</param>
/// <param name="Outbox">Events committed but not yet confirmed published, oldest first.</param>
internal sealed record StoredImageRecord(ImageRecord Record, ImmutableArray<OutboxEvent> Outbox);
