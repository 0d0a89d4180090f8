namespace ImageTrust.Pipeline.Records;

/// <summary>What <see cref="ImageRecordStore.ApplyAsync(ImageKey, string, Func{ImageRecord?, RecordChange}, CancellationToken)"/> did.</summary>
internal enum ApplyOutcome
{
    /// <summary>The change was committed (the status may or may not have changed).</summary>
    Applied,

    /// <summary>Every message id was already processed: nothing was changed (pending events were still published).</summary>
    Duplicate,

    /// <summary>The record does not exist and the change set no status, so nothing was written.</summary>
    NotCreated,
}
