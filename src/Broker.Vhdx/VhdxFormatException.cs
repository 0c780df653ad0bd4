using System.Globalization;

namespace Broker.Vhdx;

/// <summary>
/// A VHDX file is malformed or unsupported. Names the structure and the file offset where the
/// problem was found, and the file's path when known.
/// </summary>
/// <remarks>
/// Derives from <see cref="IOException"/> because <see cref="InvalidDataException"/> is sealed in
/// the BCL; it is the malformed-data error of this library.
/// </remarks>
public class VhdxFormatException : IOException
{
    /// <summary>Creates an exception for a problem in <paramref name="structure"/> at <paramref name="fileOffset"/>.</summary>
    public VhdxFormatException(string structure, long fileOffset, string problem, string? path = null, Exception? innerException = null)
        : base(Describe(structure, fileOffset, problem, path), innerException)
    {
        Structure = structure;
        FileOffset = fileOffset;
        FilePath = path;
    }

    /// <summary>Creates an exception with a message only.</summary>
    public VhdxFormatException()
        : this("file", -1, "malformed VHDX file")
    {
    }

    /// <summary>Creates an exception with a message only.</summary>
    public VhdxFormatException(string message)
        : base(message)
    {
        Structure = "file";
        FileOffset = -1;
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public VhdxFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Structure = "file";
        FileOffset = -1;
    }

    /// <summary>The on-disk structure at fault, e.g. "header", "region table", "BAT entry".</summary>
    public string Structure { get; }

    /// <summary>The file offset of the structure at fault, or -1 when not tied to one.</summary>
    public long FileOffset { get; }

    /// <summary>The path of the file at fault, when known.</summary>
    public string? FilePath { get; }

    private static string Describe(string structure, long fileOffset, string problem, string? path)
    {
        var where = fileOffset >= 0
            ? string.Create(CultureInfo.InvariantCulture, $" at file offset {fileOffset} (0x{fileOffset:X})")
            : string.Empty;
        var file = path is null ? string.Empty : $" in '{path}'";
        return $"VHDX {structure}{where}{file}: {problem}";
    }
}
