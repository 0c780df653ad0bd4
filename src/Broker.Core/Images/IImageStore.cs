namespace Broker.Core.Images;

/// <summary>Where gold images are kept. Images are immutable, so there is no update.</summary>
public interface IImageStore
{
    /// <summary>The image, or <see langword="null"/> when none has that id.</summary>
    Task<GoldImage?> FindAsync(ImageId id, CancellationToken cancellationToken);

    /// <summary>Every image, ordered by name then version.</summary>
    Task<IReadOnlyList<GoldImage>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Adds an image; <see cref="WriteOutcome.Conflict"/> when the id or the (name, version) pair exists.</summary>
    Task<WriteResult> AddAsync(GoldImage image, CancellationToken cancellationToken);
}
