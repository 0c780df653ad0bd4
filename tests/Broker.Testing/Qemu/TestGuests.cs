namespace Broker.Testing.Qemu;

/// <summary>
/// The nasm test guests of <c>tests/guests/</c>, assembled by <c>tests/guests/Guests.targets</c> into
/// the test's output directory, and raw disks made from them.
/// </summary>
public static class TestGuests
{
    /// <summary>Counts its boots in LBA 1 and prints <c>boot count N</c>.</summary>
    public const string Counter = "counter";

    /// <summary>Writes and verifies sequence-numbered sectors; prints <c>verify ok B sectors M</c> or <c>verify bad LBA X</c>.</summary>
    public const string Churn = "churn";

    /// <summary>Prints <c>halted</c> and halts forever, ignoring ACPI.</summary>
    public const string Halt = "halt";

    /// <summary>Default raw disk size: large enough for every guest.</summary>
    public const long DefaultDiskBytes = 1024 * 1024;

    /// <summary>The assembled boot image of <paramref name="guest"/>.</summary>
    public static string ImagePath(string guest)
    {
        ArgumentException.ThrowIfNullOrEmpty(guest);
        var path = Path.Combine(AppContext.BaseDirectory, "guests", guest + ".bin");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"Test guest '{guest}' was not built: {path} is missing. Import tests/guests/Guests.targets in the test project.",
                path);
        }

        return path;
    }

    /// <summary>
    /// Writes a raw disk at <paramref name="diskPath"/>: the guest's image at offset 0, zeros (sparse)
    /// up to <paramref name="sizeBytes"/>.
    /// </summary>
    public static string CreateRawDisk(string guest, string diskPath, long sizeBytes = DefaultDiskBytes)
    {
        var image = File.ReadAllBytes(ImagePath(guest));
        ArgumentOutOfRangeException.ThrowIfLessThan(sizeBytes, image.Length);
        using var disk = new FileStream(diskPath, FileMode.CreateNew, FileAccess.Write);
        disk.Write(image);
        disk.SetLength(sizeBytes);
        return diskPath;
    }
}
