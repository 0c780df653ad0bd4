using Broker.Core;
using Broker.Core.Audit;
using Broker.Core.Images;
using Broker.Server.Administration;
using Microsoft.Extensions.Options;

namespace Broker.Server.Images;

/// <summary>
/// Takes gold images uploaded to the broker: checks the name, streams the file to disk, refuses a
/// file that cannot be a disk image, records the upload (<see cref="ImageImportState.Uploaded"/>)
/// and offers it to every connected host (<see cref="ImageImportState.Distributing"/>). The image
/// becomes a registered <see cref="GoldImage"/> when the first host reports it imported
/// (<see cref="ImageImportReports"/>).
/// </summary>
internal sealed class ImageImports(
    IImageImportStore imports,
    IImageStore images,
    ImageUploadFiles files,
    ImageDistribution distribution,
    IAuditLog audit,
    IOptions<ImageUploadOptions> options,
    TimeProvider time)
{
    /// <summary>The largest file an upload may carry.</summary>
    public long MaxFileBytes => options.Value.MaxFileBytes;

    /// <summary>Every image being imported or refused, and every registered image, by name and version.</summary>
    public async Task<IReadOnlyList<ImageListing>> ListAsync(CancellationToken cancellationToken)
    {
        var registered = await images.ListAsync(cancellationToken);
        var pending = (await imports.ListAsync(cancellationToken)).Where(import => import.State != ImageImportState.Ready);
        return [.. registered.Select(ImageListing.Of).Concat(pending.Select(ImageListing.Of))
            .OrderBy(image => image.Name, StringComparer.Ordinal).ThenBy(image => image.Version, StringComparer.Ordinal)];
    }

    /// <summary>Image <paramref name="id"/>, registered or being imported, or null.</summary>
    public async Task<ImageListing?> FindAsync(ImageId id, CancellationToken cancellationToken) =>
        await images.FindAsync(id, cancellationToken) is { } image ? ImageListing.Of(image)
        : await imports.FindAsync(id, cancellationToken) is { } import ? ImageListing.Of(import)
        : null;

    /// <summary>Receives the image file <paramref name="body"/> as image <paramref name="name"/> <paramref name="version"/>.</summary>
    public async Task<ImageUploadResult> UploadAsync(string? name, string? version, Stream body, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var errors = ImageImport.CheckLabels(name, version);
        if (errors.Count > 0)
        {
            return ImageUploadResult.Invalid(errors);
        }

        (name, version) = (name!.Trim(), version!.Trim());
        if (await IsTakenAsync(name, version, cancellationToken))
        {
            return ImageUploadResult.Refused(ImageUploadOutcome.Duplicate, $"An image named '{name}' with version '{version}' exists.");
        }

        var received = await files.ReceiveAsync(body, MaxFileBytes, cancellationToken);
        try
        {
            if (received.TooLarge)
            {
                return ImageUploadResult.Refused(ImageUploadOutcome.TooLarge, $"Image files may be at most {MaxFileBytes} bytes.");
            }

            if (!received.Plausible)
            {
                return ImageUploadResult.Refused(
                    ImageUploadOutcome.NotAnImage,
                    $"The file is not a disk image: no VHDX or qcow2 signature, and {received.Length} bytes are not whole {Contracts.Images.DiskImageFormats.RawSectorSize}-byte sectors of a raw disk.");
            }

            var import = new ImageImport
            {
                Id = ImageId.New(),
                Name = name,
                Version = version,
                State = ImageImportState.Uploaded,
                FileSizeBytes = received.Length,
                FileSha256 = received.Sha256,
                UploadedAt = time.GetUtcNow(),
            };
            files.Keep(received, import.Id);
            if ((await imports.AddAsync(import, cancellationToken)).Outcome != WriteOutcome.Saved)
            {
                File.Delete(files.PathOf(import.Id));
                return ImageUploadResult.Refused(ImageUploadOutcome.Duplicate, $"An image named '{name}' with version '{version}' exists.");
            }

            await audit.RecordAsync(time, actor, "image.uploaded", $"image:{import.Id}", $"{name} {version} ({received.Length} bytes, sha256 {received.Sha256})", cancellationToken);
            if (distribution.Offer([import.Id]) > 0 && await imports.SetStateAsync(import.Id, ImageImportState.Distributing, null, cancellationToken))
            {
                import = import with { State = ImageImportState.Distributing };
            }

            return ImageUploadResult.Done(import);
        }
        finally
        {
            File.Delete(received.Path); // gone already when kept
        }
    }

    private async Task<bool> IsTakenAsync(string name, string version, CancellationToken cancellationToken)
    {
        bool Same(string otherName, string otherVersion) => otherName == name && otherVersion == version;
        return (await images.ListAsync(cancellationToken)).Any(image => Same(image.Name, image.Version))
            || (await imports.ListAsync(cancellationToken)).Any(import => Same(import.Name, import.Version));
    }
}
