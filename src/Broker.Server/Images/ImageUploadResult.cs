using Broker.Core;

namespace Broker.Server.Images;

/// <summary>How an image upload ended.</summary>
internal enum ImageUploadOutcome
{
    /// <summary>Stored and offered to the connected hosts.</summary>
    Done,

    /// <summary>The name or version is wrong (<see cref="ImageUploadResult.Errors"/>).</summary>
    Invalid,

    /// <summary>An image with this name and version exists or is being imported.</summary>
    Duplicate,

    /// <summary>The file is no disk image (no VHDX or qcow2 signature and not whole 512-byte sectors).</summary>
    NotAnImage,

    /// <summary>The file is larger than <see cref="ImageUploadOptions.MaxFileBytes"/>.</summary>
    TooLarge,
}

/// <summary>The answer of <see cref="ImageImports.UploadAsync"/>: the stored upload, or why nothing was stored.</summary>
internal sealed record ImageUploadResult(ImageUploadOutcome Outcome, ImageListing? Image, IReadOnlyList<ValidationError> Errors, string Detail)
{
    public static ImageUploadResult Done(ImageListing image) => new(ImageUploadOutcome.Done, image, [], string.Empty);

    public static ImageUploadResult Refused(ImageUploadOutcome outcome, string detail) => new(outcome, null, [], detail);

    public static ImageUploadResult Invalid(IReadOnlyList<ValidationError> errors) => new(ImageUploadOutcome.Invalid, null, errors, string.Empty);
}
