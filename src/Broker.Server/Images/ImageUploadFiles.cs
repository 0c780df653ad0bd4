using System.Buffers;
using System.Security.Cryptography;
using Broker.Contracts.Images;
using Broker.Core.Images;
using Broker.Hosting;
using Microsoft.Extensions.Options;

namespace Broker.Server.Images;

/// <summary>
/// The uploaded image files, one per image under <c>image-uploads/</c> in the broker's data
/// directory. An upload streams into a temporary file there (never into memory), hashed as it is
/// written; only a complete, plausible disk image is kept under its image's name.
/// </summary>
internal sealed class ImageUploadFiles(IOptions<BrokerOptions> broker)
{
    private const int BufferSize = 1 << 20;

    private string Directory => Path.Combine(broker.Value.FullDataDirectory, "image-uploads");

    /// <summary>Where image <paramref name="id"/>'s file is kept.</summary>
    public string PathOf(ImageId id) => Path.Combine(Directory, $"{id.Value:D}.img");

    /// <summary>
    /// Copies <paramref name="body"/> to a temporary file, at most <paramref name="maxBytes"/> bytes.
    /// The caller keeps (<see cref="Keep"/>) or deletes the file the answer names.
    /// </summary>
    public async Task<ReceivedImageFile> ReceiveAsync(Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, $"upload-{Guid.NewGuid():N}.part");
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var head = new byte[DiskImageFormats.SignatureLength];
            var headLength = 0;
            long length = 0;
            var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            await using (file)
            {
                int read;
                while ((read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
                {
                    length += read;
                    if (length > maxBytes)
                    {
                        return new ReceivedImageFile(path, length, string.Empty, TooLarge: true, Plausible: false);
                    }

                    var headPart = Math.Min(read, head.Length - headLength);
                    buffer.AsSpan(0, headPart).CopyTo(head.AsSpan(headLength));
                    headLength += headPart;
                    sha256.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                await file.FlushAsync(cancellationToken);
            }

            var plausible = DiskImageFormats.IsPlausible(head.AsSpan(0, headLength), length);
            return new ReceivedImageFile(path, length, Convert.ToHexStringLower(sha256.GetHashAndReset()), TooLarge: false, plausible);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Keeps <paramref name="received"/> as image <paramref name="id"/>'s file.</summary>
    public void Keep(ReceivedImageFile received, ImageId id)
    {
        ArgumentNullException.ThrowIfNull(received);
        File.Move(received.Path, PathOf(id));
    }

    /// <summary>Opens image <paramref name="id"/>'s file for reading, or null when there is none.</summary>
    public FileStream? Open(ImageId id)
    {
        try
        {
            return new FileStream(PathOf(id), FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}

/// <summary>An upload as it landed in a temporary file.</summary>
/// <param name="Path">The temporary file.</param>
/// <param name="Length">Bytes received (more than the limit when <paramref name="TooLarge"/>).</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the file; empty when <paramref name="TooLarge"/>.</param>
/// <param name="TooLarge">The body went over the limit; the file holds only a prefix.</param>
/// <param name="Plausible">The file can be a disk image (<see cref="DiskImageFormats.IsPlausible"/>).</param>
internal sealed record ReceivedImageFile(string Path, long Length, string Sha256, bool TooLarge, bool Plausible);
