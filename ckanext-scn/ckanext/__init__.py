# ckanext is a namespace shared by every CKAN extension.
__import__("pkg_resources").declare_namespace(__name__)
