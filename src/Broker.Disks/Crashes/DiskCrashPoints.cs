namespace Broker.Disks.Crashes;

/// <summary>
/// The crash points of Broker.Disks' durable steps, in the order each operation reaches them.
/// Each marks a step that is complete on disk (flushed, or renamed and the directory flushed);
/// <see cref="All"/> lists them for harnesses that kill a process at every one.
/// </summary>
public static class DiskCrashPoints
{
    /// <summary>Seal, before its pause: the next top exists as a child of the live top, which keeps serving; no manifest names it.</summary>
    public static readonly CrashPoint SealNextTopPrepared = new("seal.after-next-top-prepared");

    /// <summary>Seal, before its pause: the live top is flushed (its log committed) while it keeps serving.</summary>
    public static readonly CrashPoint SealPrepareFlushed = new("seal.after-prepare-flush");

    /// <summary>Seal: the new top exists as a child of the old one (made before the pause, or now if that one no longer links); no manifest names it yet.</summary>
    public static readonly CrashPoint SealChildCreated = new("seal.after-child-created");

    /// <summary>Seal: the old top is flushed and its log closed (it will not change again); with a live device the new top already serves through it.</summary>
    public static readonly CrashPoint SealTopClosed = new("seal.after-top-closed");

    /// <summary>Seal: the manifest naming the sealed layer and the new top is committed.</summary>
    public static readonly CrashPoint SealManifestCommitted = new("seal.after-manifest-committed");

    /// <summary>Merge: the merged layer file is written and closed.</summary>
    public static readonly CrashPoint MergeMergedFileFlushed = new("merge.after-merged-file-flushed");

    /// <summary>Merge: one rebuilt layer above the merged range (the top last) is written and closed; hit once per layer.</summary>
    public static readonly CrashPoint MergeRebuiltFileFlushed = new("merge.after-rebuilt-file-flushed");

    /// <summary>Served merge, before its pause: the new top holds a copy of the live top, which keeps serving; no manifest names the new files.</summary>
    public static readonly CrashPoint MergeTopPrepared = new("merge.after-top-prepared");

    /// <summary>Served merge, before its pause: the live top is flushed (its log committed) while it keeps serving.</summary>
    public static readonly CrashPoint MergePrepareFlushed = new("merge.after-prepare-flush");

    /// <summary>Served merge, in its pause: the writes since the prepare are copied into the new top, which is flushed; no manifest names it yet.</summary>
    public static readonly CrashPoint MergeTopCaughtUp = new("merge.after-top-caught-up");

    /// <summary>Merge: the manifest naming the new files is committed; the old files are still there.</summary>
    public static readonly CrashPoint MergeSwitched = new("merge.after-switch");

    /// <summary>Merge: one old file is deleted (directory not yet flushed); hit once per file.</summary>
    public static readonly CrashPoint MergeOldFileDeleted = new("merge.after-old-file-deleted");

    /// <summary>Restore: the new top over the restored layer exists; no manifest names it yet.</summary>
    public static readonly CrashPoint RestoreTopCreated = new("restore.after-top-created");

    /// <summary>Restore: the manifest naming the new top (old top kept as a branch) is committed.</summary>
    public static readonly CrashPoint RestoreSwitched = new("restore.after-switch");

    /// <summary>Layer adoption: the staged file is renamed to its layer name and the directory flushed.</summary>
    public static readonly CrashPoint AdoptStagedRenamed = new("adopt.after-staged-renamed");

    /// <summary>Layer adoption: the new top over the adopted layer exists; no manifest names either yet.</summary>
    public static readonly CrashPoint AdoptTopCreated = new("adopt.after-top-created");

    /// <summary>Layer adoption: the manifest naming the adopted layer and the new top is committed.</summary>
    public static readonly CrashPoint AdoptSwitched = new("adopt.after-switch");

    /// <summary>Layer adoption: the dropped old top is deleted (directory not yet flushed).</summary>
    public static readonly CrashPoint AdoptOldTopDeleted = new("adopt.after-old-top-deleted");

    /// <summary>Graft (quarantine promotion): the copy of the quarantined layer over its parent is written and closed; no manifest names it yet.</summary>
    public static readonly CrashPoint GraftCopied = new("graft.after-copy");

    /// <summary>Graft: the new top over the copied layer exists; no manifest names either yet.</summary>
    public static readonly CrashPoint GraftTopCreated = new("graft.after-top-created");

    /// <summary>Graft: the manifest naming the copied layer and the new top (old top kept as a branch) is committed.</summary>
    public static readonly CrashPoint GraftSwitched = new("graft.after-switch");

    /// <summary>Base import: the content is copied into the temporary file and flushed.</summary>
    public static readonly CrashPoint ImportCopied = new("import.after-copy");

    /// <summary>Base import: the temporary file is renamed to its address and the directory flushed; the index does not name it yet.</summary>
    public static readonly CrashPoint ImportRenamed = new("import.after-rename");

    /// <summary>Base import: the index naming the new image is committed.</summary>
    public static readonly CrashPoint ImportIndexed = new("import.after-index");

    /// <summary>Base import of an address already stored: the index with one more reference is committed; the temporary file is still there.</summary>
    public static readonly CrashPoint ImportReferenceAdded = new("import.after-reference-added");

    /// <summary>Base adoption (a pulled base): the file is renamed to its address and the directory flushed; the index does not name it yet.</summary>
    public static readonly CrashPoint BaseAdoptRenamed = new("base-adopt.after-rename");

    /// <summary>Base adoption: the index naming the adopted image is committed.</summary>
    public static readonly CrashPoint BaseAdoptIndexed = new("base-adopt.after-index");

    /// <summary>Every point above.</summary>
    public static IReadOnlyList<CrashPoint> All { get; } =
    [
        SealNextTopPrepared,
        SealPrepareFlushed,
        SealChildCreated,
        SealTopClosed,
        SealManifestCommitted,
        MergeMergedFileFlushed,
        MergeRebuiltFileFlushed,
        MergeTopPrepared,
        MergePrepareFlushed,
        MergeTopCaughtUp,
        MergeSwitched,
        MergeOldFileDeleted,
        RestoreTopCreated,
        RestoreSwitched,
        AdoptStagedRenamed,
        AdoptTopCreated,
        AdoptSwitched,
        AdoptOldTopDeleted,
        GraftCopied,
        GraftTopCreated,
        GraftSwitched,
        ImportCopied,
        ImportRenamed,
        ImportIndexed,
        ImportReferenceAdded,
        BaseAdoptRenamed,
        BaseAdoptIndexed,
    ];
}
