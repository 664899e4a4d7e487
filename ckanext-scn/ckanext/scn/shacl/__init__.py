"""Validation of the portal's RDF against the official DCAT-AP-NO SHACL shapes (pyshacl).

The shapes are exact copies (see schemas/README.md for their sources): version 2 is the
specification in force and the portal's output must have no violations against it; the
version 3 draft is run for information.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources

import rdflib
from rdflib.namespace import SH

SHAPES = {
    "2": ("DCAT-AP-NO-shacl_shapes_2.00.ttl",),
    "3": ("dcatapno3-core-shapes.ttl", "dcatapno3-vocabulary-shapes.ttl"),
}


@dataclass
class Finding:
    severity: str
    focus: str
    path: str
    message: str
    value: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.focus} {self.path}: {self.message}" + (
            f" (value: {self.value})" if self.value else "")


@dataclass
class Report:
    version: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]

    def summary(self) -> str:
        return (f"DCAT-AP-NO {self.version} shapes: {len(self.violations)} violations, "
                f"{len(self.warnings)} warnings, {len(self.findings) - len(self.violations) - len(self.warnings)} other")


@functools.cache
def shapes_graph(version: str = "2") -> rdflib.Graph:
    graph = rdflib.Graph()
    for name in SHAPES[version]:
        graph.parse(data=resources.files(__name__).joinpath(name).read_text(encoding="utf-8"), format="turtle")
    return graph


def validate(data: rdflib.Graph, version: str = "2") -> Report:
    """Validate DATA (not modified) against the shapes of VERSION ("2" or "3")."""
    import pyshacl

    _conforms, results, _text = pyshacl.validate(
        data, shacl_graph=shapes_graph(version), inference="none", advanced=True, allow_warnings=True)
    report = Report(version)
    # Only top-level results: pyshacl also lists the nested reasons behind each as sh:detail.
    for result in results.objects(None, SH.result):
        severity = results.value(result, SH.resultSeverity)
        report.findings.append(Finding(
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            focus=_short(data, results.value(result, SH.focusNode)),
            path=_short(data, results.value(result, SH.resultPath)),
            message=str(results.value(result, SH.resultMessage) or ""),
            value=_short(data, results.value(result, SH.value)),
        ))
    report.findings.sort(key=lambda f: (f.severity != "Violation", f.focus, f.path))
    return report


def _short(graph: rdflib.Graph, node) -> str:
    if node is None:
        return ""
    if isinstance(node, rdflib.BNode):
        types = [o.n3(graph.namespace_manager) for o in graph.objects(node, rdflib.RDF.type)]
        return f"[{' '.join(types) or 'blank node'}]"
    try:
        return node.n3(graph.namespace_manager)
    except Exception:  # noqa: BLE001 - a label for a report, any node will do
        return str(node)
