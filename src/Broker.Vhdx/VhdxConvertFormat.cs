namespace Broker.Vhdx;

/// <summary>The output format of <see cref="VhdxConvert"/>.</summary>
public enum VhdxConvertFormat
{
    /// <summary>A raw image of the virtual disk, written as a sparse file.</summary>
    Raw,

    /// <summary>A new dynamic or fixed VHDX file without a parent.</summary>
    Vhdx,
}
