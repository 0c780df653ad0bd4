namespace Broker.Vhdx;

/// <summary>What <see cref="VhdxConvert.ConvertAsync"/> writes.</summary>
public sealed record VhdxConvertOptions
{
    /// <summary>Raw or VHDX.</summary>
    public VhdxConvertFormat Format { get; init; } = VhdxConvertFormat.Raw;

    /// <summary>For VHDX output: <see cref="VhdxDiskType.Dynamic"/> (the default) or <see cref="VhdxDiskType.Fixed"/>.</summary>
    public VhdxDiskType Type { get; init; } = VhdxDiskType.Dynamic;

    /// <summary>For VHDX output: the payload block size; <see cref="VhdxCreateOptions.DefaultBlockSize"/> when null.</summary>
    public int? BlockSize { get; init; }
}
