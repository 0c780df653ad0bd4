using Broker.Core;
using Broker.Core.Audit;
using Broker.Core.Hosts;
using Broker.Core.Images;
using Broker.Server.Administration;
using Microsoft.Extensions.Options;

namespace Broker.Server.Images;

/// <summary>
/// Takes gold images uploaded to the broker: checks the name, streams the file to disk, refuses a
/// file that cannot be a disk image, records the upload (<see cref="ImageImportState.Uploaded"/>)
/// and offers it to every connected host (<see cref="ImageImportState.Distributing"/>). The image
/// becomes a registered <see cref="GoldImage"/> when the first host reports it imported
/// (<see cref="ImageImportReports"/>). Lists images, uploaded or registered by address, with their
/// per-host states, and lets an admin retry the hosts that failed one.
/// </summary>
internal sealed class ImageImports(
    IImageImportStore imports,
    IImageStore images,
    IHostStore hosts,
    ImageUploadFiles files,
    ImageOffers offers,
    IAuditLog audit,
    IOptions<ImageUploadOptions> options,
    TimeProvider time)
{
    /// <summary>The largest file an upload may carry.</summary>
    public long MaxFileBytes => options.Value.MaxFileBytes;

    /// <summary>Every registered image and every upload, each with its per-host states, by name and version.</summary>
    public async Task<IReadOnlyList<ImageListing>> ListAsync(CancellationToken cancellationToken)
    {
        var registered = (await images.ListAsync(cancellationToken)).ToDictionary(image => image.Id);
        var uploads = await imports.ListAsync(cancellationToken);
        var states = (await imports.ListAllHostsAsync(cancellationToken)).ToLookup(state => state.Image);
        var known = await hosts.ListAsync(cancellationToken);
        var names = known.ToDictionary(host => host.Id, host => host.Name);
        var uploaded = uploads.Select(upload => upload.Id).ToHashSet();
        return [.. uploads.Select(upload => ImageListing.Of(upload, registered.GetValueOrDefault(upload.Id), states[upload.Id], names, known.Count))
            .Concat(registered.Values.Where(image => !uploaded.Contains(image.Id)).Select(image => ImageListing.Of(image, states[image.Id], names, known.Count)))
            .OrderBy(image => image.Name, StringComparer.Ordinal).ThenBy(image => image.Version, StringComparer.Ordinal)];
    }

    /// <summary>Image <paramref name="id"/>, registered or uploaded, with its per-host states, or null.</summary>
    public async Task<ImageListing?> FindAsync(ImageId id, CancellationToken cancellationToken)
    {
        var registered = await images.FindAsync(id, cancellationToken);
        var upload = await imports.FindAsync(id, cancellationToken);
        if (registered is null && upload is null)
        {
            return null;
        }

        var states = await imports.ListHostsAsync(id, cancellationToken);
        var known = await hosts.ListAsync(cancellationToken);
        var names = known.ToDictionary(host => host.Id, host => host.Name);
        return upload is null
            ? ImageListing.Of(registered!, states, names, known.Count)
            : ImageListing.Of(upload, registered, states, names, known.Count);
    }

    /// <summary>
    /// Forgets the hosts that failed image <paramref name="id"/> (uploaded or registered by address)
    /// and offers it to those connected at once (the others get it when they connect); audited when
    /// there were any.
    /// Null when there is no image <paramref name="id"/>; nothing changes when no host failed it.
    /// </summary>
    public async Task<ImageListing?> RetryAsync(ImageId id, string actor, CancellationToken cancellationToken)
    {
        var before = await FindAsync(id, cancellationToken);
        var failed = before?.FailedHosts.ToList() ?? [];
        if (before is null || failed.Count == 0)
        {
            return before;
        }

        var cleared = await imports.ClearFailedAsync(id, cancellationToken);
        if (cleared == 0)
        {
            return await FindAsync(id, cancellationToken); // another admin retried meanwhile
        }

        await audit.RecordAsync(time, actor, "image.retried", $"image:{id}", $"{before.Name} {before.Version}: offered again to {string.Join(", ", failed.Select(host => host.HostName))}", cancellationToken);
        _ = await offers.OfferAsync([id], cancellationToken);
        return await FindAsync(id, cancellationToken);
    }

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
            _ = await offers.OfferAsync([import.Id], cancellationToken);
            return ImageUploadResult.Done((await FindAsync(import.Id, cancellationToken))!);
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
