namespace Broker.Core.Images;

/// <summary>Port: the images uploaded to the broker and their import state.</summary>
public interface IImageImportStore
{
    /// <summary>Stores a new upload; <see cref="WriteOutcome.Conflict"/> when its id or its name and version are taken.</summary>
    Task<WriteResult> AddAsync(ImageImport import, CancellationToken cancellationToken);

    /// <summary>The upload <paramref name="id"/>, or null.</summary>
    Task<ImageImport?> FindAsync(ImageId id, CancellationToken cancellationToken);

    /// <summary>Every upload, by name and version.</summary>
    Task<IReadOnlyList<ImageImport>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Moves upload <paramref name="id"/> to <paramref name="state"/> (with <paramref name="reason"/> for a failure); false when there is none.</summary>
    Task<bool> SetStateAsync(ImageId id, ImageImportState state, string? reason, CancellationToken cancellationToken);
}
