using System.Globalization;

namespace Broker.Transfer.Bench;

/// <summary>Figures of repeated runs: min / median / max.</summary>
internal sealed class Samples
{
    private readonly List<double> _values = [];

    public int Count => _values.Count;

    public double Median
    {
        get
        {
            var sorted = _values.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }
    }

    public double Max => _values.Max();

    public double Last => _values[^1];

    public void Add(double value) => _values.Add(value);

    /// <summary>Every value times <paramref name="factor"/>.</summary>
    public Samples Scaled(double factor)
    {
        var scaled = new Samples();
        scaled._values.AddRange(_values.Select(value => value * factor));
        return scaled;
    }

    /// <summary>The pairwise ratios <paramref name="numerators"/>[i] ÷ <paramref name="denominators"/>[i].</summary>
    public static Samples Ratios(Samples numerators, Samples denominators)
    {
        var ratios = new Samples();
        foreach (var (numerator, denominator) in numerators._values.Zip(denominators._values))
        {
            ratios.Add(numerator / denominator);
        }

        return ratios;
    }

    /// <summary>"min / **median** / max" with <paramref name="format"/>.</summary>
    public string Format(string format = "F2") =>
        string.Create(CultureInfo.InvariantCulture, $"{_values.Min().ToString(format, CultureInfo.InvariantCulture)} / **{Median.ToString(format, CultureInfo.InvariantCulture)}** / {_values.Max().ToString(format, CultureInfo.InvariantCulture)}");
}
