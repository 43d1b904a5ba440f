{# The check-in's service worker (attendance.checkin_views.ServiceWorkerView): the files to keep, then our static worker. #}self.CHECKIN_FILES = {{ files|safe }};
self.CHECKIN_VERSION = {{ version|safe }};
importScripts({{ worker_url|safe }});
