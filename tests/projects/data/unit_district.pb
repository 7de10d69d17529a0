META
key;value
description;Budget participatif du 3e arrondissement
country;France
unit;Lyon 3e
instance;2026
num_projects;2
num_votes;42
budget;100000
vote_type;approval
rule;greedy
currency;EUR
PROJECTS
project_id;cost;votes;name
31;60000;30;Jardin Montchat
32;50000;20;Fresque Guillotière
